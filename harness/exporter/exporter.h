/*
 * exporter.h -- what the files of the extension module mvspec_exporter share.
 *
 * The module serves the other side of the buffer protocol, the exporter's,
 * which chapter 16 of spec/memoryview.md states as rules (EXPORTER-001 to
 * EXPORTER-019).  It has two parts:
 *
 *   check.c     the checker: mvspec_exporter.check(obj) asks obj for a
 *               buffer with every request a consumer can make, records what
 *               comes back, reads every item through the layout it was given
 *               (never outside readable memory: layout.c), releases, and
 *               judges each rule.  A library author's test calls it:
 *                   assert mvspec_exporter.check(MyArray(...)) == []
 *   ndarray.c   mvspec_exporter.ndarray: an exporter of any layout (shape,
 *               strides, offset, suboffsets, format, readonly), made like
 *               _testbuffer.ndarray, correct by default and with faults
 *               that can be switched on one by one, each breaking one rule:
 *               the checker is shown to catch every one of them.
 *   layout.c    what both need to know about a layout: its address range,
 *               its contiguity, and a probe that says whether memory can be
 *               read without touching it.
 *   module.c    the module: its functions, constants and types.
 *
 * Only the public C API is used, so that the same sources build for every
 * CPython (3.9 on) and, through cpyext, for PyPy.
 *
 * Naming: mvx_ for what these files share.  State is per call (the checker)
 * or per object (ndarray); the module keeps none besides its constants.
 */
#ifndef MVSPEC_EXPORTER_H
#define MVSPEC_EXPORTER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdbool.h>

/* PyBUF_MAX_NDIM, which older headers (and PyPy's) may lack: no export has
   more dimensions (EXPORTER-004). */
#define MVX_MAX_NDIM 64
/* A layout holds more: _testbuffer.ndarray makes arrays of up to 128
   dimensions (which then no consumer takes), and so does our ndarray. */
#define MVX_LAYOUT_NDIM 128

/* ---- layout.c --------------------------------------------------------- */

/* A layout as the fields of a Py_buffer describe it, with the arrays
   copied out (so that it can be looked at after the buffer is released).
   has_* say which arrays the exporter gave (a NULL pointer is "not given"). */
typedef struct mvx_layout {
    char *buf;
    Py_ssize_t len, itemsize;
    int ndim;
    bool has_shape, has_strides, has_suboffsets;
    Py_ssize_t shape[MVX_LAYOUT_NDIM];
    Py_ssize_t strides[MVX_LAYOUT_NDIM];
    Py_ssize_t suboffsets[MVX_LAYOUT_NDIM];
} mvx_layout;

/* The bytes a layout's items cover without indirection, as addresses
   [lo, hi); empty (lo == hi) when the layout has no items. */
typedef struct mvx_range {
    char *lo, *hi;
} mvx_range;

/* The number of items: the product of the shape (1 for ndim 0); -1 when
   the product does not fit a Py_ssize_t. */
Py_ssize_t mvx_nitems(const mvx_layout *l);
/* The strides a C-contiguous ('C') or Fortran-contiguous ('F') layout of
   this shape and itemsize has. */
void mvx_contiguous_strides(int ndim, const Py_ssize_t *shape,
                            Py_ssize_t itemsize, char order,
                            Py_ssize_t *strides);
/* Whether the layout's strides are those of order 'C', 'F', or either
   ('A'), as PEP 3118 defines contiguity: dimensions of length 1 may have
   any stride, a layout without items is contiguous, suboffsets never are.
   A layout without strides is C-contiguous by definition. */
bool mvx_is_contiguous(const mvx_layout *l, char order);
/* The address range of a layout without suboffsets; false when computing
   it would overflow (then the layout addresses nothing sensible). */
bool mvx_range_of(const mvx_layout *l, mvx_range *r);

/* A probe of readable memory: it asks the kernel to copy a byte out of
   each page (write() to a pipe), which fails with EFAULT instead of
   crashing when the page is not mapped readable.  Pages found readable are
   remembered, so that walking many items costs few system calls. */
#define MVX_PROBE_CACHE 64
typedef struct mvx_probe {
    int fds[2];
    size_t page;
    uintptr_t cache[MVX_PROBE_CACHE];
} mvx_probe;

/* 0, or -1 with OSError set. */
int mvx_probe_open(mvx_probe *p);
void mvx_probe_close(mvx_probe *p);
/* Whether every byte of [addr, addr + n) can be read. */
bool mvx_readable(mvx_probe *p, const void *addr, size_t n);
/* Copy the NUL-terminated string at s (at most max - 1 characters) into
   out[max]; false when some byte of it cannot be read or it is longer. */
bool mvx_read_string(mvx_probe *p, const char *s, char *out, size_t max);

/* Read the items of a layout in logical (C) order into out, which has room
   for nitems * itemsize bytes; every byte is probed before it is read, and
   every pointer followed (suboffsets) is probed before it is loaded.
   Returns NULL, or why an item could not be read (a static message whose
   %p-style details are written into why[size]). */
const char *mvx_read_items(mvx_probe *p, const mvx_layout *l, char *out,
                           char *why, size_t size);

/* ---- check.c ------------------------------------------------------------ */

/* mvspec_exporter.examine(obj) and .check(obj). */
PyObject *mvx_examine(PyObject *module, PyObject *obj);
PyObject *mvx_check(PyObject *module, PyObject *obj);
/* The rules the checker judges, as a tuple of (id, title) pairs; and the
   requests it makes, as a tuple of (name, flags) pairs. */
PyObject *mvx_rules(void);
PyObject *mvx_requests(void);

/* ---- ndarray.c ------------------------------------------------------- */

extern PyTypeObject mvx_ndarray_type;
/* The flags of the ndarray constructor (values as _testbuffer's). */
#define MVX_ND_WRITABLE 0x002
#define MVX_ND_FORTRAN  0x004
#define MVX_ND_PIL      0x010
/* The names of the faults, in the order of their bits, as a tuple. */
PyObject *mvx_fault_names(void);

#endif /* MVSPEC_EXPORTER_H */
