#ifndef CFFMPEG_SHIM_H
#define CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/error.h>
#include <libswscale/swscale.h>
#include <errno.h>

// Macros Swift cannot import (or should not hard-code), re-exported as constants. Only Media uses them.
static const int cffmpeg_AVERROR_EAGAIN = AVERROR(EAGAIN);
static const int cffmpeg_AVERROR_EOF = AVERROR_EOF;
static const int cffmpeg_AVERROR_DECODER_NOT_FOUND = AVERROR_DECODER_NOT_FOUND;
static const int cffmpeg_AVERROR_INVALIDDATA = AVERROR_INVALIDDATA;
static const int64_t cffmpeg_AV_NOPTS_VALUE = AV_NOPTS_VALUE;
static const AVRational cffmpeg_AV_TIME_BASE_Q = {1, AV_TIME_BASE};
static const int cffmpeg_AVERROR_STREAM_NOT_FOUND = AVERROR_STREAM_NOT_FOUND;
static const int cffmpeg_AV_FRAME_FLAG_CORRUPT = AV_FRAME_FLAG_CORRUPT;
static const int cffmpeg_AV_ERROR_MAX_STRING_SIZE = AV_ERROR_MAX_STRING_SIZE;
static const int cffmpeg_AV_LOG_QUIET = AV_LOG_QUIET;
static const int cffmpeg_AV_LOG_ERROR = AV_LOG_ERROR;
static const int cffmpeg_AVERROR_ENOMEM = AVERROR(ENOMEM);
static const int cffmpeg_AVERROR_EINVAL = AVERROR(EINVAL);
static const int cffmpeg_AV_DISPOSITION_ATTACHED_PIC = AV_DISPOSITION_ATTACHED_PIC;
static const int cffmpeg_AV_EF_EXPLODE = AV_EF_EXPLODE;
static const int cffmpeg_AV_EF_CRCCHECK = AV_EF_CRCCHECK;
static const uint64_t cffmpeg_AV_PIX_FMT_FLAG_RGB = AV_PIX_FMT_FLAG_RGB;
static const uint64_t cffmpeg_AV_PIX_FMT_FLAG_PAL = AV_PIX_FMT_FLAG_PAL;
static const int cffmpeg_AV_PKT_FLAG_KEY = AV_PKT_FLAG_KEY;
static const int cffmpeg_SWS_BICUBIC = SWS_BICUBIC;
static const int cffmpeg_SWS_FULL_CHR_H_INT = SWS_FULL_CHR_H_INT;
static const int cffmpeg_SWS_ACCURATE_RND = SWS_ACCURATE_RND;
// JPEG encoding (Media.JPEGEncoder): fixed quantiser, no version strings, the portable C integer DCT.
static const int cffmpeg_AV_CODEC_FLAG_QSCALE = AV_CODEC_FLAG_QSCALE;
static const int cffmpeg_AV_CODEC_FLAG_BITEXACT = AV_CODEC_FLAG_BITEXACT;
static const int cffmpeg_FF_DCT_INT = FF_DCT_INT;
static const int cffmpeg_FF_QP2LAMBDA = FF_QP2LAMBDA;
#endif
