/*
 * The named counters (include/sharedcounter.h, "Named counters"): a table
 * of SC_COUNTERS counters in the same shared storage as the default one,
 * found by name.
 *
 * A name's slot is found by open addressing: every process starts at the
 * same place, the name's hash, and looks at the slots in the same order,
 * so that every process that opens a name stops at the same slot. A slot
 * goes from free to claimed (its state is then the claimant's owner word,
 * process_table.h) to in use, and is never freed: so the slots before a
 * name's, in its order, are all in use or being claimed, and a process that
 * meets a claim in progress waits for it to be published before it looks
 * further. A claimant that died before it published leaves its owner word
 * there: whoever meets it then takes the slot over.
 *
 * Each operation reads the slot's state on the cache line of the value it
 * is about to update, so that an id that sc_counter_open() did not return
 * changes nothing, at the cost of a load that hits the line the update
 * takes anyway.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "sharedcounter.h"

#include "counter_storage.h"
#include "wrapping.h"

/* ---- Names ----------------------------------------------------------------
 */

/* A name is a series of the Prometheus text format; see the header. Labels
 * in another order name the same series, so the table keeps one form of
 * each name, its labels sorted by label name. */

enum { MOST_LABELS = SC_NAME_MAX / 5 };

/* One label of a name: where it starts (its name), where its name ends, and
 * where it ends (after its closing quote). */
struct label {
    const char *start;
    size_t name_length;
    size_t length;
};

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* How many bytes the UTF-8 sequence at p takes (1 to 4), or 0 if it is not
 * one: an overlong form, a surrogate, beyond U+10FFFF, or cut short. */
static size_t utf8_length(const unsigned char *p)
{
    unsigned char c = p[0];
    unsigned char low = 0x80, high = 0xbf;
    size_t length;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        length = 2;
    else if (c >= 0xe0 && c <= 0xef)
        length = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        length = 4;
    else
        return 0;
    if (c == 0xe0)
        low = 0xa0;
    else if (c == 0xed)
        high = 0x9f;
    else if (c == 0xf0)
        low = 0x90;
    else if (c == 0xf4)
        high = 0x8f;
    if (p[1] < low || p[1] > high)
        return 0;
    for (size_t i = 2; i < length; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return length;
}

/* A label value from its opening quote: returns what follows its closing
 * quote, or NULL. */
static const char *label_value_end(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c == '\\') {
            if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
                return NULL;
            p += 2;
        } else if (c < 0x20 || c == 0x7f) {
            return NULL;
        } else {
            size_t length = utf8_length((const unsigned char *)p);
            if (length == 0)
                return NULL;
            p += length;
        }
    }
    return p + 1;
}

/* One label at p: returns what follows it, or NULL. */
static const char *parse_label(const char *p, struct label *label)
{
    const char *name = p;

    if (!is_letter(*p) || (p[0] == '_' && p[1] == '_'))
        return NULL;
    while (is_letter(*p) || is_digit(*p))
        p++;
    label->start = name;
    label->name_length = (size_t)(p - name);
    if (*p++ != '=')
        return NULL;
    p = label_value_end(p);
    if (p != NULL)
        label->length = (size_t)(p - name);
    return p;
}

static int compare_labels(const struct label *a, const struct label *b)
{
    size_t shorter =
        a->name_length < b->name_length ? a->name_length : b->name_length;
    int order = memcmp(a->start, b->start, shorter);

    if (order != 0)
        return order;
    return (a->name_length > b->name_length) -
           (a->name_length < b->name_length);
}

/* Sorts the labels by name; returns false if a name appears twice. */
static bool sort_labels(struct label *labels, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        struct label moving = labels[i];
        size_t at = i;
        while (at > 0 && compare_labels(&labels[at - 1], &moving) > 0) {
            labels[at] = labels[at - 1];
            at--;
        }
        labels[at] = moving;
    }
    for (size_t i = 1; i < count; i++)
        if (compare_labels(&labels[i - 1], &labels[i]) == 0)
            return false;
    return true;
}

/* Writes into out the name's form in the table; returns its length, or 0
 * if name is not a valid name. */
static size_t table_form(const char *name, char out[SC_NAME_MAX + 1])
{
    struct label labels[MOST_LABELS];
    size_t count = 0;
    const char *p = name;

    if (name == NULL || memchr(name, '\0', SC_NAME_MAX + 1) == NULL)
        return 0;
    if (!is_letter(*p) && *p != ':')
        return 0;
    while (is_letter(*p) || is_digit(*p) || *p == ':')
        p++;
    size_t metric = (size_t)(p - name);
    if (*p == '{') {
        do {
            if (count == MOST_LABELS ||
                (p = parse_label(p + 1, &labels[count++])) == NULL)
                return 0;
        } while (*p == ',');
        if (*p++ != '}' || !sort_labels(labels, count))
            return 0;
    }
    if (*p != '\0')
        return 0;
    size_t length = (size_t)(p - name);
    memcpy(out, name, metric);
    char *at = out + metric;
    for (size_t i = 0; i < count; i++) {
        *at++ = i == 0 ? '{' : ',';
        memcpy(at, labels[i].start, labels[i].length);
        at += labels[i].length;
    }
    if (count > 0)
        *at++ = '}';
    *at = '\0';
    return length;
}

/* FNV-1a: where a name's search starts. */
static uint32_t name_hash(const char *name, size_t length)
{
    uint32_t hash = 2166136261u;

    for (size_t i = 0; i < length; i++)
        hash = (hash ^ (unsigned char)name[i]) * 16777619u;
    return hash;
}

/* ---- The table ------------------------------------------------------------
 */

static struct sc_named_counter *slot(int32_t id)
{
    return &sc__storage()->named[id];
}

/* The counter of an id that sc_counter_open() returned, or NULL. */
static struct sc_named_counter *counter_of(int32_t id)
{
    if (id < 0 || id >= SC_COUNTERS)
        return NULL;
    struct sc_named_counter *counter = slot(id);
    return sc__load_acquire64(&counter->state) == SC_COUNTER_READY ? counter
                                                                   : NULL;
}

/* The slot is this process's now: it starts at 0, with nobody armed, and
 * is published with its name. */
static void publish(int32_t id, const char *name, size_t length)
{
    struct sc_named_counter *counter = slot(id);
    char *stored = sc__storage()->names[id];

    sc__exchange64(&counter->value, 0);
    sc__exchange64(&counter->wait_word, 0);
    memcpy(stored, name, length);
    stored[length] = '\0';
    sc__exchange64(&counter->state, SC_COUNTER_READY);
}

/* How many looks at a claim in progress before asking whether its claimant
 * still lives: a claim takes a few hundred instructions. */
enum { LOOKS_BEFORE_ASKING = 4096 };

/* What a slot holds for the name being opened. */
enum settled { SLOT_OTHER, SLOT_MATCH, SLOT_MINE };

/* Waits until the slot is in use, free, or claimed by a process that has
 * gone, and settles it for name: the slot holds it, holds another name, or
 * was free or abandoned and is now this process's. */
static enum settled settle(int32_t id, const char *name, size_t length,
                           int64_t self)
{
    struct sc_named_counter *counter = slot(id);

    for (unsigned looks = 1;; looks++) {
        int64_t state = sc__load_acquire64(&counter->state);
        if (state == SC_COUNTER_READY)
            return memcmp(sc__storage()->names[id], name, length + 1) == 0
                       ? SLOT_MATCH
                       : SLOT_OTHER;
        if (state == 0 || (looks % LOOKS_BEFORE_ASKING == 0 &&
                           sc__owner_liveness(state) == SC_GONE)) {
            if (sc__compare_exchange64(&counter->state, state, self) == state)
                return SLOT_MINE;
            continue;
        }
        sc__cpu_relax();
    }
}

int32_t sc_counter_open(const char *name)
{
    char form[SC_NAME_MAX + 1];
    size_t length = table_form(name, form);

    if (length == 0) {
        sc__set_error(SC_ERROR_INVALID_NAME);
        return -1;
    }
    int64_t self = sc__self_owner();
    uint32_t start = name_hash(form, length) % SC_COUNTERS;
    for (uint32_t i = 0; i < SC_COUNTERS; i++) {
        int32_t id = (int32_t)((start + i) % SC_COUNTERS);
        enum settled settled = settle(id, form, length, self);
        if (settled == SLOT_MINE) {
            sc__pause_before_publish();
            publish(id, form, length);
        }
        if (settled != SLOT_OTHER)
            return id;
    }
    sc__set_error(SC_ERROR_TABLE_FULL);
    return -1;
}

/* ---- The operations -------------------------------------------------------
 */

int64_t sc_counter_add(int32_t id, int64_t delta)
{
    struct sc_named_counter *counter = counter_of(id);

    if (counter == NULL)
        return 0;
    int64_t before = sc__fetch_add64(&counter->value, delta);
    if (delta != 0)
        sc__wake_waiters(sc__storage(), &counter->wait_word);
    return sc__wrapping_add(before, delta);
}

int64_t sc_counter_get(int32_t id)
{
    struct sc_named_counter *counter = counter_of(id);

    return counter != NULL ? sc__load_acquire64(&counter->value) : 0;
}

int64_t sc_counter_exchange(int32_t id, int64_t value)
{
    struct sc_named_counter *counter = counter_of(id);

    if (counter == NULL)
        return 0;
    int64_t before = sc__exchange64(&counter->value, value);
    if (before != value)
        sc__wake_waiters(sc__storage(), &counter->wait_word);
    return before;
}

int sc_counter_wait(int32_t id, int64_t seen, uint32_t timeout_ms, int64_t *now)
{
    struct sc_named_counter *counter = counter_of(id);

    if (counter == NULL) {
        sc__set_error(SC_ERROR_INVALID_ID);
        return -1;
    }
    return sc__wait_for_change(&counter->value, &counter->wait_word, seen,
                               timeout_ms, now);
}

int32_t sc_counter_next(int32_t after, char *name, uint32_t size,
                        int64_t *value)
{
    for (int64_t id = after < 0 ? 0 : (int64_t)after + 1; id < SC_COUNTERS;
         id++) {
        struct sc_named_counter *counter = counter_of((int32_t)id);
        if (counter == NULL)
            continue;
        if (name != NULL && size > 0) {
            const char *stored = sc__storage()->names[id];
            size_t length = strlen(stored);
            if (length >= size)
                length = size - 1;
            memcpy(name, stored, length);
            name[length] = '\0';
        }
        if (value != NULL)
            *value = sc__load_acquire64(&counter->value);
        return (int32_t)id;
    }
    return -1;
}
