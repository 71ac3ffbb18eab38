// libjpeg-turbo's TurboJPEG API. Its pixel-format and flag values are enums or plain macros Swift imports;
// the shim only pins the header.
#ifndef ROLLCALL_CTURBOJPEG_SHIM_H
#define ROLLCALL_CTURBOJPEG_SHIM_H
#include <turbojpeg.h>
#endif
