#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H
#include <png.h>

// Macros Swift cannot import, re-exported as constants.
static const png_uint_32 cpng_PNG_IMAGE_VERSION = PNG_IMAGE_VERSION;
static const png_uint_32 cpng_PNG_FORMAT_RGB = PNG_FORMAT_RGB;
static const png_uint_32 cpng_PNG_FORMAT_RGBA = PNG_FORMAT_RGBA;
static const png_uint_32 cpng_PNG_IMAGE_FLAG_FAST = PNG_IMAGE_FLAG_FAST;
#endif
