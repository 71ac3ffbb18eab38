// libFuzzer's driver, called from a Swift `@main`: SwiftPM links every executable with its own entry point
// (`<module>_main`), so libFuzzer's `main` cannot be used; `LLVMFuzzerRunDriver` (libclang_rt.fuzzer, linked
// by `-sanitize=fuzzer`) runs the same driver on a callback.
#ifndef ROLLCALL_FUZZER_DRIVER_H
#define ROLLCALL_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer with the process's arguments on `test_one_input`; returns its exit status.
int rollcall_run_fuzzer(int argc, char **argv, int (*test_one_input)(const uint8_t *data, size_t size));

#endif
