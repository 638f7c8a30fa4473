/// Which parts of a JSON value a reader needs, for `JSONPruner` to keep those and skip the
/// rest: the value whole; or, of an object, some members by name, each with what is needed
/// of it, and what is needed of every other member (`others`); or, of an array, what is
/// needed of every element (`others` again, so that positions stay as they were).
///
/// Built with `Builder`, where a path that reads every member (`[*]`) and one that reads a
/// member by name are merged, so the frozen selection needs no merging while text is cut.
public final class JSONSelection: Sendable {
    /// Keep the value as it is.
    public let whole: Bool
    /// The selection of each member named, by the member's name (UTF-8).
    let named: [(key: [UInt8], selection: JSONSelection)]
    /// For members not named, and for every element of an array; nil: skip them.
    let others: JSONSelection?
    /// Open addressing over `named`: index + 1 (0: empty), by FNV-1a of the name.
    private let slots: [Int32]

    /// Everything.
    public static let everything = JSONSelection(whole: true, named: [], others: nil)
    /// Every member whole: what `JSONPruner.cut` keeps of the top level by default.
    public static let everyMember = JSONSelection(whole: false, named: [], others: everything)
    /// Nothing of an object or array but its kind (`{}` or `[]`); a scalar is kept.
    public static let nothing = JSONSelection(whole: false, named: [], others: nil)

    init(whole: Bool, named: [(key: [UInt8], selection: JSONSelection)], others: JSONSelection?) {
        self.whole = whole
        self.named = named
        self.others = others
        var size = 4
        while size < named.count * 2 { size *= 2 }
        var slots = [Int32](repeating: 0, count: named.isEmpty ? 0 : size)
        for (i, n) in named.enumerated() {
            var s = Int(truncatingIfNeeded: JSONSelection.hash(n.key)) & (size - 1)
            while slots[s] != 0 { s = (s + 1) & (size - 1) }
            slots[s] = Int32(i + 1)
        }
        self.slots = slots
    }

    static func hash(_ key: [UInt8]) -> UInt64 { key.withUnsafeBufferPointer { hash(UnsafeRawBufferPointer($0)) } }

    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// What is needed of the member whose name is `key` (as written, without escapes).
    @inline(__always)
    func member(_ key: UnsafeRawBufferPointer, hash h: UInt64) -> JSONSelection? {
        if !slots.isEmpty {
            let mask = slots.count - 1
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let i = Int(slots[s])
                if i == 0 { break }
                let k = named[i - 1].key
                if k.count == key.count && k.withUnsafeBytes({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) {
                    return named[i - 1].selection
                }
                s = (s + 1) & mask
            }
        }
        return others
    }

    /// Gathers what a reader needs, path by path, then `freeze()`s it.
    public final class Builder {
        var whole = false
        var named: [String: Builder] = [:]
        var order: [String] = []
        var others: Builder?

        public init() {}

        /// The value is needed whole.
        public func all() { whole = true }

        /// The member `key` (made when first asked for).
        public func member(_ key: String) -> Builder {
            if let b = named[key] { return b }
            let b = Builder()
            named[key] = b
            order.append(key)
            return b
        }

        /// Every element of an array, every member of an object.
        public func each() -> Builder {
            if let o = others { return o }
            let o = Builder()
            others = o
            return o
        }

        func merge(_ other: Builder) {
            if other.whole { whole = true }
            for k in other.order { member(k).merge(other.named[k]!) }
            if let o = other.others { each().merge(o) }
        }

        public func freeze() -> JSONSelection {
            if whole { return .everything }
            // A member named and read through `[*]` as well needs what both read.
            if let o = others {
                for k in order { named[k]!.merge(o) }
            }
            let frozenOthers = others?.freeze()
            let frozen = order.map { (key: Array($0.utf8), selection: named[$0]!.freeze()) }
            if frozenOthers?.whole == true && frozen.allSatisfy({ $0.selection.whole }) { return .everything }
            return JSONSelection(whole: false, named: frozen, others: frozenOthers)
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
