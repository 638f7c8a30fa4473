#include <jansson.h>
#include <stdint.h>
#include <string.h>

/*
 * Object member lookups with the key's hash worked out in advance.
 *
 * json_object_getn hashes the key on every call; a compiled policy looks up the same few
 * hundred keys in every asset, so Gavel hashes each key once, when the policy is compiled,
 * and looks it up in the object's table directly. That needs two things jansson does not
 * promise: its hash function (Bob Jenkins' lookup3 `hashlittle`, seeded with the
 * process-wide seed that `json_object_seed` sets) and the layout of its object table. Both
 * are those of jansson 2.14 (Debian 12's libjansson4), and the direct lookup is compiled
 * only against that version's header. Even then it is used only after GavelJSON has checked,
 * at run time, that the library is 2.14 and that direct lookups find exactly what
 * json_object_getn finds (JSONKeyHash.swift); otherwise every lookup goes through
 * json_object_getn.
 */

#define GAVEL_ROTL32(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

/* lookup3's hashlittle, byte by byte: the same value its word-at-a-time forms give. */
static inline uint32_t gavel_key_hash(const void *key, size_t length, uint32_t seed) {
    const uint8_t *k = (const uint8_t *)key;
    uint32_t a, b, c;
    a = b = c = 0xdeadbeefu + (uint32_t)length + seed;
    while (length > 12) {
        a += (uint32_t)k[0] | (uint32_t)k[1] << 8 | (uint32_t)k[2] << 16 | (uint32_t)k[3] << 24;
        b += (uint32_t)k[4] | (uint32_t)k[5] << 8 | (uint32_t)k[6] << 16 | (uint32_t)k[7] << 24;
        c += (uint32_t)k[8] | (uint32_t)k[9] << 8 | (uint32_t)k[10] << 16 | (uint32_t)k[11] << 24;
        /* mix */
        a -= c; a ^= GAVEL_ROTL32(c, 4);  c += b;
        b -= a; b ^= GAVEL_ROTL32(a, 6);  a += c;
        c -= b; c ^= GAVEL_ROTL32(b, 8);  b += a;
        a -= c; a ^= GAVEL_ROTL32(c, 16); c += b;
        b -= a; b ^= GAVEL_ROTL32(a, 19); a += c;
        c -= b; c ^= GAVEL_ROTL32(b, 4);  b += a;
        length -= 12;
        k += 12;
    }
    /* The last 1..12 bytes; no final mix for an empty tail. */
    switch (length) {
    case 12: c += (uint32_t)k[11] << 24; /* fall through */
    case 11: c += (uint32_t)k[10] << 16; /* fall through */
    case 10: c += (uint32_t)k[9] << 8;   /* fall through */
    case 9:  c += k[8];                  /* fall through */
    case 8:  b += (uint32_t)k[7] << 24;  /* fall through */
    case 7:  b += (uint32_t)k[6] << 16;  /* fall through */
    case 6:  b += (uint32_t)k[5] << 8;   /* fall through */
    case 5:  b += k[4];                  /* fall through */
    case 4:  a += (uint32_t)k[3] << 24;  /* fall through */
    case 3:  a += (uint32_t)k[2] << 16;  /* fall through */
    case 2:  a += (uint32_t)k[1] << 8;   /* fall through */
    case 1:  a += k[0]; break;
    case 0:  return c;
    }
    /* final */
    c ^= b; c -= GAVEL_ROTL32(b, 14);
    a ^= c; a -= GAVEL_ROTL32(c, 11);
    b ^= a; b -= GAVEL_ROTL32(a, 25);
    c ^= b; c -= GAVEL_ROTL32(b, 16);
    a ^= c; a -= GAVEL_ROTL32(c, 4);
    b ^= a; b -= GAVEL_ROTL32(a, 14);
    c ^= b; c -= GAVEL_ROTL32(b, 24);
    return c;
}

/* Set (to 1) by GavelJSON once its run-time checks pass; one copy in the process. */
__attribute__((weak)) int gavel_direct_lookup = 0;
static inline void gavel_direct_lookup_set(int on) { gavel_direct_lookup = on; }
static inline int gavel_direct_lookup_on(void) { return gavel_direct_lookup; }

#if JANSSON_VERSION_HEX == 0x020e00
#define GAVEL_DIRECT_LOOKUP_COMPILED 1
/* jansson 2.14's object: the value header, then its table (src/hashtable.h, jansson_private.h). */
struct gavel_jlist { struct gavel_jlist *prev, *next; };
struct gavel_jpair {
    struct gavel_jlist list;       /* in its bucket's run of the table's list */
    struct gavel_jlist ordered;    /* insertion order */
    size_t hash;
    json_t *value;
    size_t key_len;
    char key[1];
};
struct gavel_jbucket { struct gavel_jlist *first, *last; };
struct gavel_jtable {
    size_t size;
    struct gavel_jbucket *buckets;
    size_t order;                  /* 2^order buckets */
    struct gavel_jlist list;
    struct gavel_jlist ordered;
};
struct gavel_jobject { json_t json; struct gavel_jtable table; };

static inline json_t *gavel_object_get_direct(json_t *object, const char *key, size_t len, uint32_t hash) {
    struct gavel_jtable *t = &((struct gavel_jobject *)object)->table;
    struct gavel_jbucket *b = &t->buckets[hash & (((size_t)1 << t->order) - 1)];
    struct gavel_jlist *l = b->first;
    if (l == &t->list && l == b->last) return NULL; /* an empty bucket */
    for (;;) {
        struct gavel_jpair *p = (struct gavel_jpair *)l;
        if (p->hash == hash && p->key_len == len && memcmp(p->key, key, len) == 0) return p->value;
        if (l == b->last) return NULL;
        l = l->next;
    }
}
#else
#define GAVEL_DIRECT_LOOKUP_COMPILED 0
static inline json_t *gavel_object_get_direct(json_t *object, const char *key, size_t len, uint32_t hash) {
    (void)hash;
    return json_object_getn(object, key, len);
}
#endif

static inline int gavel_direct_lookup_compiled(void) { return GAVEL_DIRECT_LOOKUP_COMPILED; }

/* A member of an object (the caller checked the type), by a key hashed in advance. */
static inline json_t *gavel_object_get_hashed(json_t *object, const char *key, size_t len, uint32_t hash) {
    if (gavel_direct_lookup) return gavel_object_get_direct(object, key, len, hash);
    return json_object_getn(object, key, len);
}
