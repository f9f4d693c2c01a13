#ifndef CMPI_SHIM_H
#define CMPI_SHIM_H
// Open MPI's predefined handles are macros over the addresses of global objects
// (`OMPI_PREDEFINED_GLOBAL`), and a few constants are macros over other macros: Swift imports
// neither, so they are re-exported here. Imported only by the `Distributed` module.
#include <mpi.h>

static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Datatype cmpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype cmpi_int(void) { return MPI_INT; }
static inline MPI_Op cmpi_op_sum(void) { return MPI_SUM; }
static inline MPI_Op cmpi_op_min(void) { return MPI_MIN; }
static inline MPI_Op cmpi_op_max(void) { return MPI_MAX; }
static inline MPI_Errhandler cmpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Info cmpi_info_null(void) { return MPI_INFO_NULL; }

static const int cmpi_SUCCESS = MPI_SUCCESS;
static const int cmpi_MAX_ERROR_STRING = MPI_MAX_ERROR_STRING;
static const int cmpi_THREAD_FUNNELED = MPI_THREAD_FUNNELED;
static const int cmpi_COMM_TYPE_SHARED = MPI_COMM_TYPE_SHARED;
#endif
