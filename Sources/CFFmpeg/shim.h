#ifndef CFFMPEG_SHIM_H
#define CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/error.h>
#include <libswscale/swscale.h>
#include <errno.h>

// Macros Swift cannot import, re-exported as constants.
static const int cffmpeg_AVERROR_EAGAIN = AVERROR(EAGAIN);
static const int cffmpeg_AVERROR_EOF = AVERROR_EOF;
static const int cffmpeg_AVERROR_DECODER_NOT_FOUND = AVERROR_DECODER_NOT_FOUND;
static const int cffmpeg_AVERROR_INVALIDDATA = AVERROR_INVALIDDATA;
static const int64_t cffmpeg_AV_NOPTS_VALUE = AV_NOPTS_VALUE;
static const AVRational cffmpeg_AV_TIME_BASE_Q = {1, AV_TIME_BASE};
#endif
