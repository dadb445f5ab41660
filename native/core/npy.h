/*
** NumPy's .npy format: parsing and writing the header, and converting the
** element types gibbs reads into its own dtypes.
**
** A file is the magic "\x93NUMPY", a major and minor version (1.0, 2.0 or
** 3.0), the header length (2 bytes little-endian for 1.0, 4 for 2.0 and
** 3.0), the header (a Python dict literal with 'descr', 'fortran_order' and
** 'shape', padded with spaces and ending in '\n'), then the data.
** Everything here works on memory; the caller does the file I/O.
*/
#ifndef GB_NPY_H
#define GB_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "ndarray.h"

/* What a header says. */
typedef struct gb_npy {
  int major, minor;
  size_t header_bytes;       /* magic, version, length and header */
  char descr[16];            /* e.g. "<f8" */
  int kind;                  /* 'f', 'i', 'u', 'b' */
  int itemsize;              /* bytes per element in the file */
  int swap;                  /* big-endian data */
  int fortran;
  int ndim;
  int64_t shape[GB_MAXDIM];
  int64_t size;              /* number of elements */
  int dtype;                 /* the gibbs dtype it is read into */
} gb_npy;

/*
** Parse the start of a file held in buf[0..n): as much as the prefix needs
** (returns GB_OK and fills info) or a failure with a message in err
** (GB_EFORMAT: not an .npy file, a malformed header, a shape too large;
** GB_EDTYPE: an element type gibbs cannot read, named in err).  When n is
** too short for the header, GB_EFORMAT with "truncated header".
*/
int gb_npy_parse(const unsigned char *buf, size_t n, gb_npy *info, char *err, size_t errlen);

/*
** From the first bytes of a file (at least 12, or all of a shorter file):
** the length of the whole header, magic to padding, so that a reader can
** fetch exactly that much before gb_npy_parse.  GB_EFORMAT with a message
** for what is not an .npy file of a known version.
*/
int gb_npy_header_length(const unsigned char *buf, size_t n, size_t *length, char *err,
                         size_t errlen);

/* Are the file's elements already the bytes of info->dtype (so that the
   data can be read straight into an array)? */
int gb_npy_native(const gb_npy *info);

/*
** Convert count elements of the file's type at src into dst (the gibbs
** dtype info->dtype, contiguous).  Byte order is fixed on the way.
*/
void gb_npy_convert(const gb_npy *info, const unsigned char *src, char *dst, int64_t count);

/*
** The header NumPy 1.24 writes for an array of dtype and shape in C or
** Fortran order, byte for byte (version 1.0, or 2.0 when the header needs
** it), into out (at least 256 + 24 * ndim bytes).  Returns its length.
*/
size_t gb_npy_header(char *out, size_t cap, int dtype, int ndim, const int64_t *shape,
                     int fortran);

#endif
