// FFmpeg headers plus inline wrappers for the macros Swift cannot import.
#pragma once
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
#include <libavutil/error.h>

static inline int cffmpeg_averror_eof(void) { return AVERROR_EOF; }
static inline int cffmpeg_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int64_t cffmpeg_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational cffmpeg_time_base_q(void) { return AV_TIME_BASE_Q; }

// Rotation in degrees (counter-clockwise, as av_display_rotation_get) from the stream's display matrix; 0 if none.
static inline double cffmpeg_stream_rotation_degrees(const AVStream *st) {
#if LIBAVFORMAT_VERSION_MAJOR >= 61
    const AVPacketSideData *sd = av_packet_side_data_get(st->codecpar->coded_side_data,
                                                         st->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX);
    if (!sd || sd->size < 9 * sizeof(int32_t)) return 0;
    const uint8_t *matrix = sd->data;
#else
    size_t size = 0;
    const uint8_t *matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!matrix || size < 9 * sizeof(int32_t)) return 0;
#endif
    double degrees = av_display_rotation_get((const int32_t *)matrix);
    return degrees == degrees ? degrees : 0;  // NaN for a degenerate matrix
}

// sws_scale over a whole decoded frame into one packed destination plane (e.g. RGB24).
static inline int cffmpeg_scale_frame(struct SwsContext *sws, const AVFrame *frame,
                                      uint8_t *destination, int destination_stride) {
    uint8_t *planes[4] = { destination, NULL, NULL, NULL };
    int strides[4] = { destination_stride, 0, 0, 0 };
    return sws_scale(sws, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height,
                     planes, strides);
}

// Uses the frame's YCbCr matrix and range the way ffmpeg's scale filter does ("auto" matrix and range),
// so our RGB matches the ffmpeg CLI. Sources without YUV (RGB, palettes) ignore it.
static inline void cffmpeg_match_source_colorspace(struct SwsContext *sws, int colorspace, int color_range) {
    int *inverse_table, *table, source_full, destination_full, brightness, contrast, saturation;
    if (sws_getColorspaceDetails(sws, &inverse_table, &source_full, &table, &destination_full,
                                 &brightness, &contrast, &saturation) < 0) return;
    if (colorspace < 1 || colorspace > 10 || colorspace == 8) colorspace = SWS_CS_DEFAULT;
    const int *coefficients = sws_getCoefficients(colorspace);
    if (color_range != AVCOL_RANGE_UNSPECIFIED) source_full = (color_range == AVCOL_RANGE_JPEG);
    sws_setColorspaceDetails(sws, coefficients, source_full, coefficients, destination_full,
                             brightness, contrast, saturation);
}

static inline int cffmpeg_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int cffmpeg_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int cffmpeg_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
