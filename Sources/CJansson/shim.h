#include <jansson.h>
#include <stdlib.h>

/*
 * The fast path of Gavel's parse arenas (GavelJSON's JSONArena), here because it runs on
 * every allocation jansson makes while parsing, and a C thread-local is one load where
 * Swift needs pthread_getspecific behind a once-check.
 *
 * While a thread parses, its slot points at its arena's state: jansson's
 * allocations are bumped out of the current chunk, and `refill` (Swift) gets the next chunk
 * when it runs out. Frees during a parse are no-ops (the arena is dropped whole). Outside a
 * parse, jansson gets malloc and free.
 */
struct gavel_arena {
    char *next;
    size_t remaining;
    void *(*refill)(struct gavel_arena *arena, size_t size);
    void *head;
};

__attribute__((weak)) _Thread_local struct gavel_arena *gavel_arena_current = 0;
static inline struct gavel_arena **gavel_arena_slot(void) { return &gavel_arena_current; }

static inline void gavel_arena_enter(struct gavel_arena *arena) { *gavel_arena_slot() = arena; }
static inline void gavel_arena_leave(void) { *gavel_arena_slot() = NULL; }

static void *gavel_arena_malloc(size_t size) {
    struct gavel_arena *a = *gavel_arena_slot();
    if (!a) return malloc(size);
    size_t n = (size + 15) & ~(size_t)15;
    if (n > a->remaining) return a->refill(a, n);
    void *p = a->next;
    a->next += n;
    a->remaining -= n;
    return p;
}

static void gavel_arena_free(void *p) {
    if (!*gavel_arena_slot()) free(p);
}

static inline void gavel_arena_install(void) { json_set_alloc_funcs(gavel_arena_malloc, gavel_arena_free); }

#include "lookup.h"
