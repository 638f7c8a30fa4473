import CJansson

/// Object keys hashed in advance (CJansson's `lookup.h`).
///
/// jansson hashes a key on every `json_object_getn`. Gavel picks the process's hash seed
/// itself, before jansson makes its first object, so that a compiled policy's keys can be
/// hashed once and looked up in each object's table directly. The direct lookup relies on
/// jansson 2.14's private table layout, so it is switched on only when the library is 2.14
/// and a check on objects of many sizes finds it agreeing with `json_object_getn` on every
/// key, present or absent; otherwise lookups go through `json_object_getn` as before, with
/// the same results.
public enum JSONKeyHash {
    /// The seed jansson hashes keys with in this process. Set, and the direct lookup checked,
    /// on first use, which comes before jansson's first object: every path that makes one
    /// (`JSONArena.with`, `JSONDocument.from`) and every `JSONKey` touch this first.
    static let seed: UInt32 = {
        _ = JSONArena.installed
        var s: UInt32 = 0
        while s == 0 { s = UInt32.random(in: .min ... .max) }
        json_object_seed(Int(s))
        gavel_direct_lookup_set(directLookupAgrees(seed: s) ? 1 : 0)
        return s
    }()

    /// Whether member lookups by a key hashed in advance read jansson's tables directly.
    public static var isDirect: Bool {
        _ = seed
        return gavel_direct_lookup_on() != 0
    }

    /// The version of the jansson library loaded, as it reports it ("2.14").
    public static var libraryVersion: String { String(cString: jansson_version_str()) }

    /// The hash jansson gives `bytes` as an object key in this process.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        gavel_key_hash(bytes.baseAddress, bytes.count, seed)
    }

    static func hash(_ key: String) -> UInt32 {
        var k = key
        return k.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// Objects of 0 to 100 members (tables of 8 to 128 buckets, so chained buckets too), keys
    /// of 0 to 40 bytes: the direct lookup must return the very member `json_object_getn`
    /// returns for every key, and nothing for keys the object lacks. A seed jansson had
    /// already chosen, or another table layout, fails this.
    static func directLookupAgrees(seed: UInt32) -> Bool {
        guard gavel_direct_lookup_compiled() == 1, jansson_version_cmp(2, 14, 0) == 0 else { return false }
        func key(_ i: Int) -> [CChar] {
            let text = i == 0 ? "" : String(repeating: "k", count: i % 41) + String(i)
            return text.utf8.map { CChar(bitPattern: $0) }
        }
        for size in [0, 1, 2, 7, 8, 9, 16, 17, 33, 64, 100] {
            guard let object = json_object() else { return false }
            defer { json_decref(object) }
            for i in 0..<size {
                let k = key(i)
                guard json_object_setn_new_nocheck(object, k, k.count, json_integer(json_int_t(i))) == 0 else { return false }
            }
            for i in 0..<(size + 50) {
                let k = key(i)
                let hash = gavel_key_hash(k, k.count, seed)
                let direct = gavel_object_get_direct(object, k, k.count, hash)
                guard direct == json_object_getn(object, k, k.count), (direct != nil) == (i < size) else { return false }
            }
        }
        return true
    }
}
