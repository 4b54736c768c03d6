/* progress.c: a terminal progress bar with rate and remaining time (see dvk/progress.h).
 * Draws with "\r" and an erase-to-end-of-line, so nothing is left behind when it finishes. */
#include "dvk/progress.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct dvk_progress {
    char label[64];
    long long total;
    long long done;
    double started;    /* monotonic seconds */
    double last_draw;  /* monotonic seconds of the last redraw, 0 = never */
};

static FILE *progress_out; /* NULL: disabled */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int terminal_width(void)
{
    struct winsize ws;
    if (progress_out && ioctl(fileno(progress_out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

void dvk_progress_enable(FILE *out)
{
    progress_out = out;
}

int dvk_progress_enabled(void)
{
    return progress_out != NULL;
}

/* "1234", "12.3k", "4.5M": short counts for the rate. */
static void short_count(char *buf, size_t n, double v)
{
    if (v >= 1e6)
        snprintf(buf, n, "%.1fM", v / 1e6);
    else if (v >= 1e4)
        snprintf(buf, n, "%.1fk", v / 1e3);
    else
        snprintf(buf, n, "%.0f", v);
}

/* "m:ss" or "h:mm:ss". */
static void clock_text(char *buf, size_t n, double seconds)
{
    if (seconds < 0 || seconds > 359999)
        seconds = 359999;
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        snprintf(buf, n, "%ld:%02ld", s / 60, s % 60);
}

/* Display width of a UTF-8 label: count code points that are not continuation bytes (labels
 * are short words; wide characters do not occur in them). */
static int label_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

char *dvk_progress_format(char *buf, size_t n, int width, const char *label, long long done,
                          long long total, double elapsed)
{
    char rate[32], tail[96], counts[64], eta[32];
    double per_second = elapsed > 0 ? (double)done / elapsed : 0;
    short_count(rate, sizeof rate, per_second);
    if (total > 0) {
        if (done > total)
            done = total;
        snprintf(counts, sizeof counts, "%lld/%lld", done, total);
        if (per_second > 0)
            clock_text(eta, sizeof eta, (double)(total - done) / per_second);
        else
            snprintf(eta, sizeof eta, "?");
        snprintf(tail, sizeof tail, " %3d%% %s %s/s ETA %s", (int)(100 * done / total), counts,
                 rate, eta);
    } else {
        char spent[32];
        clock_text(spent, sizeof spent, elapsed);
        snprintf(tail, sizeof tail, " %lld %s/s %s", done, rate, spent);
    }
    int lw = label_width(label);
    int bar = width - lw - (int)strlen(tail) - 4; /* label, " [", "]", and a spare column */
    size_t pos = 0;
    pos += (size_t)snprintf(buf, n, "%s", label);
    if (total > 0 && bar >= 5 && pos < n) {
        if (bar > 40)
            bar = 40;
        int filled = (int)((double)bar * (double)done / (double)total);
        pos += (size_t)snprintf(buf + pos, n - pos, " [");
        for (int i = 0; i < bar && pos + 1 < n; i++)
            buf[pos++] = i < filled ? '#' : '.';
        if (pos < n)
            buf[pos] = '\0';
        if (pos < n)
            pos += (size_t)snprintf(buf + pos, n - pos, "]");
    }
    if (pos < n)
        snprintf(buf + pos, n - pos, "%s", tail);
    return buf;
}

static void draw(dvk_progress *p, double now)
{
    char line[256];
    dvk_progress_format(line, sizeof line, terminal_width(), p->label, p->done, p->total,
                        now - p->started);
    fprintf(progress_out, "\r%s\033[K", line);
    fflush(progress_out);
    p->last_draw = now;
}

dvk_progress *dvk_progress_start(const char *label, long long total)
{
    if (!progress_out)
        return NULL;
    dvk_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    snprintf(p->label, sizeof p->label, "%s", label ? label : "");
    p->total = total;
    p->started = now_seconds();
    return p;
}

void dvk_progress_update(dvk_progress *p, long long done)
{
    if (!p || !progress_out)
        return;
    p->done = done;
    double now = now_seconds();
    /* Wait a little before the first draw so that quick work shows no bar at all. */
    if (now - p->started < 0.3 || now - p->last_draw < 0.1)
        return;
    draw(p, now);
}

void dvk_progress_finish(dvk_progress *p)
{
    if (!p)
        return;
    if (progress_out && p->last_draw > 0) {
        fputs("\r\033[K", progress_out);
        fflush(progress_out);
    }
    free(p);
}
