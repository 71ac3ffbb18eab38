// libhdf5 (serial build; Debian puts it under hdf5/serial). The native type ids such as H5T_NATIVE_FLOAT
// and the property list defaults are macros over globals that need H5open(); they are exposed as functions.
#ifndef ROLLCALL_CHDF5_SHIM_H
#define ROLLCALL_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t rollcall_h5t_native_float(void) { H5open(); return H5T_NATIVE_FLOAT; }
static inline hid_t rollcall_h5t_native_double(void) { H5open(); return H5T_NATIVE_DOUBLE; }
static inline hid_t rollcall_h5t_native_int(void) { H5open(); return H5T_NATIVE_INT; }
static inline hid_t rollcall_h5t_c_s1(void) { H5open(); return H5T_C_S1; }
static inline hid_t rollcall_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t rollcall_h5s_all(void) { return H5S_ALL; }
static inline hsize_t rollcall_h5s_unlimited(void) { return H5S_UNLIMITED; }
static inline unsigned rollcall_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned rollcall_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
/// Silences HDF5's default error printer (errors are reported as Swift errors instead).
static inline void rollcall_h5_silence_errors(void) { H5open(); H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
#endif
