/*
 * sc__parse_int64() now lives in options.h. This name stays only for
 * bench/launcher.c, which includes it, until counter_bench moves to the
 * shared command-line parser.
 */
#include "options.h"
