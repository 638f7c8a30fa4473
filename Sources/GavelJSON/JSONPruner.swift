import Glibc

/// Cuts JSON text down to what a `JSONSelection` keeps, so that jansson builds a tree of that
/// alone. What is skipped is still read and checked, byte by byte, to be JSON as jansson
/// (with `JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL`) would accept it: strings (UTF-8, escapes,
/// surrogate pairs, no raw control characters), numbers, literals, nesting, and no key twice
/// in an object. What is kept is copied as it is and checked by jansson when it parses the
/// result. So the result parses exactly when the whole text would, with the same values at
/// the kept places: members keep their names and elements their positions.
///
/// Whenever the text is anything but plainly valid (an error, a key written with escapes,
/// an integer too long to be sure jansson takes it, nesting near jansson's limit), the
/// result is nil and the caller parses the whole text, so that jansson decides, with its own
/// message and position.
public struct JSONPruner {
    /// The text cut down, and where the `external` member's value lies in the original.
    public struct Cut {
        public var text: [UInt8]
        public var external: Range<Int>?
    }

    /// A key seen in an object being checked: for finding one written twice.
    private struct Key {
        var hash: UInt64
        var start: Int
        var count: Int
    }

    private let p: UnsafePointer<UInt8>
    private let n: Int
    private var i = 0
    private var out: [UInt8] = []
    private var keys: [Key] = []
    private var depth = 0
    private var external: Range<Int>?
    private let externalName: [UInt8]?

    /// jansson stops at 2048 levels; below this the answer is certain.
    static let maxDepth = 1000

    private init(_ text: UnsafeRawBufferPointer, externalName: String?) {
        p = text.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        n = text.count
        self.externalName = externalName.map { Array($0.utf8) }
    }

    private struct Doubt: Error {}

    /// The top-level object of `text` cut to `selection` (its `named` members as they say,
    /// the others by `others`). A top-level member named `external` is left out of the
    /// result (its value becomes `{}`) and its range is returned for the caller to read and
    /// check: this pruner passes over it without checking it.
    ///
    /// `choose` may pick the selection of the top-level member `deferred` from the string
    /// value of the member `key` (a snapshot's `data` by its `kind`, which may come after
    /// it); nil from `choose` gives nil.
    public static func cut(
        _ text: UnsafeRawBufferPointer, selection: JSONSelection, external: String? = nil,
        deferred: (member: String, key: String, choose: (String) -> JSONSelection?)? = nil
    ) -> Cut? {
        var s = JSONPruner(text, externalName: external)
        s.out.reserveCapacity(text.count / 4)
        do {
            try s.top(selection, deferred)
            return Cut(text: s.out, external: s.external)
        } catch {
            return nil
        }
    }

    // MARK: reading

    @inline(__always) private var peek: UInt8 { i < n ? p[i] : 0 }

    @inline(__always) private mutating func space() {
        while i < n {
            let b = p[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { return }
        }
    }

    @inline(__always) private mutating func expect(_ b: UInt8) throws(Doubt) {
        guard i < n, p[i] == b else { throw Doubt() }
        i += 1
    }

    @inline(__always) private mutating func emit(_ b: UInt8) { out.append(b) }

    private mutating func emit(_ range: Range<Int>) {
        out.append(contentsOf: UnsafeBufferPointer(start: p + range.lowerBound, count: range.count))
    }

    // MARK: the top level

    private mutating func top(_ selection: JSONSelection, _ deferred: (member: String, key: String, choose: (String) -> JSONSelection?)?) throws(Doubt) {
        if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }
        space()
        try expect(UInt8(ascii: "{"))
        emit(UInt8(ascii: "{"))
        var first = true
        var later: Range<Int>?
        var keyValue: String?
        let deferredName = deferred.map { Array($0.member.utf8) }
        let keyName = deferred.map { Array($0.key.utf8) }
        depth = 1
        try members { s, k throws(Doubt) in
            let name = UnsafeRawBufferPointer(start: s.p + k.start, count: k.count)
            if let e = s.externalName, name.elementsEqual(e) {
                let start = s.i
                try s.skipUnchecked()
                s.external = start..<s.i
                s.emitMember(k, first)
                s.emit(UInt8(ascii: "{"))
                s.emit(UInt8(ascii: "}"))
            } else if let d = deferredName, name.elementsEqual(d) {
                guard let kv = keyValue else {
                    let start = s.i
                    try s.skipUnchecked()
                    later = start..<s.i
                    return
                }
                guard let chosen = deferred!.choose(kv) else { throw Doubt() }
                s.emitMember(k, first)
                try s.value(chosen)
            } else if let kn = keyName, name.elementsEqual(kn), s.peek == UInt8(ascii: "\"") {
                let start = s.i + 1
                // A value written with escapes is left to the whole parse.
                guard try !s.string() else { throw Doubt() }
                keyValue = String(decoding: UnsafeBufferPointer(start: s.p + start, count: s.i - 1 - start), as: UTF8.self)
                s.emitMember(k, first)
                s.emit(start - 1..<s.i)
            } else {
                s.emitMember(k, first)
                try s.value(selection.member(name, hash: k.hash))
            }
            first = false
        }
        space()
        guard i == n else { throw Doubt() }
        if let later, let deferred {
            // The deferred member, cut now that the key's value is known.
            guard let kv = keyValue, let chosen = deferred.choose(kv) else { throw Doubt() }
            let end = n
            i = later.lowerBound
            emitName(deferredName!, first)
            try value(chosen)
            guard i == later.upperBound else { throw Doubt() }
            i = end
        }
        emit(UInt8(ascii: "}"))
    }

    private mutating func emitMember(_ k: Key, _ first: Bool) {
        if !first { emit(UInt8(ascii: ",")) }
        emit(k.start - 1..<k.start + k.count + 1)
        emit(UInt8(ascii: ":"))
    }

    private mutating func emitName(_ name: [UInt8], _ first: Bool) {
        if !first { emit(UInt8(ascii: ",")) }
        emit(UInt8(ascii: "\""))
        out.append(contentsOf: name)
        emit(UInt8(ascii: "\""))
        emit(UInt8(ascii: ":"))
    }

    // MARK: values

    /// One value: kept whole (copied, for jansson to check), cut to `selection`, or, when
    /// `selection` is nil, checked and skipped (nothing is written).
    private mutating func value(_ selection: JSONSelection?) throws(Doubt) {
        guard i < n else { throw Doubt() }
        let b = p[i]
        if let selection {
            if selection.whole || (b != UInt8(ascii: "{") && b != UInt8(ascii: "[")) {
                let start = i
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { try skipUnchecked() } else { try scalar() }
                emit(start..<i)
                return
            }
            if b == UInt8(ascii: "{") { return try object(selection) }
            // An array: each element by `others`; without one, the array is kept whole.
            guard let each = selection.others else {
                let start = i
                try skipUnchecked()
                emit(start..<i)
                return
            }
            return try array(each)
        }
        switch b {
        case UInt8(ascii: "{"): try object(nil)
        case UInt8(ascii: "["): try array(nil)
        default: try scalar()
        }
    }

    /// An object, cut to `selection` (written) or checked only (nil).
    private mutating func object(_ selection: JSONSelection?) throws(Doubt) {
        i += 1
        depth += 1
        guard depth < JSONPruner.maxDepth else { throw Doubt() }
        if selection != nil { emit(UInt8(ascii: "{")) }
        var first = true
        try members { s, k throws(Doubt) in
            if let selection, let sub = selection.member(UnsafeRawBufferPointer(start: s.p + k.start, count: k.count), hash: k.hash) {
                s.emitMember(k, first)
                first = false
                try s.value(sub)
            } else {
                try s.value(nil)
            }
        }
        if selection != nil { emit(UInt8(ascii: "}")) }
        depth -= 1
    }

    /// The members of the object whose `{` was just taken, up to its `}`: each one's name
    /// is read and remembered, and `body` takes its value; then no name may be there twice.
    private mutating func members(_ body: (inout JSONPruner, Key) throws(Doubt) -> Void) throws(Doubt) {
        let base = keys.count
        space()
        if peek == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                let k = try key()
                space()
                try expect(UInt8(ascii: ":"))
                space()
                try body(&self, k)
                space()
                if peek == UInt8(ascii: ",") {
                    i += 1
                    space()
                    continue
                }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        try checkKeys(from: base)
    }

    /// An array, each element cut to `each` (written) or checked only (nil).
    private mutating func array(_ each: JSONSelection?) throws(Doubt) {
        i += 1
        depth += 1
        guard depth < JSONPruner.maxDepth else { throw Doubt() }
        if each != nil { emit(UInt8(ascii: "[")) }
        space()
        if peek == UInt8(ascii: "]") {
            i += 1
        } else {
            var first = true
            while true {
                if each != nil && !first { emit(UInt8(ascii: ",")) }
                first = false
                try value(each)
                space()
                if peek == UInt8(ascii: ",") {
                    i += 1
                    space()
                    continue
                }
                try expect(UInt8(ascii: "]"))
                break
            }
        }
        if each != nil { emit(UInt8(ascii: "]")) }
        depth -= 1
    }

    /// A member's name: plain (no escapes; one with escapes could name another member in
    /// other letters), remembered for the duplicate check. Returns where its text lies.
    private mutating func key() throws(Doubt) -> Key {
        guard peek == UInt8(ascii: "\"") else { throw Doubt() }
        let start = i + 1
        let escapes = try string()
        guard !escapes else { throw Doubt() }
        let count = i - 1 - start
        let k = Key(hash: JSONSelection.hash(UnsafeRawBufferPointer(start: p + start, count: count)), start: start, count: count)
        keys.append(k)
        return k
    }

    /// No name twice among the keys pushed since `base`; pops them.
    private mutating func checkKeys(from base: Int) throws(Doubt) {
        let count = keys.count - base
        defer { keys.removeSubrange(base...) }
        guard count > 1 else { return }
        func same(_ a: Key, _ b: Key) -> Bool { a.hash == b.hash && a.count == b.count && memcmp(p + a.start, p + b.start, a.count) == 0 }
        if count <= 16 {
            for x in base..<keys.count {
                for y in (x + 1)..<keys.count where same(keys[x], keys[y]) { throw Doubt() }
            }
            return
        }
        keys[base...].sort { $0.hash < $1.hash }
        for x in base..<(keys.count - 1) where same(keys[x], keys[x + 1]) { throw Doubt() }
    }

    // MARK: scalars

    private mutating func scalar() throws(Doubt) {
        guard i < n else { throw Doubt() }
        switch p[i] {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Doubt) {
        let len = word.utf8CodeUnitCount
        guard i + len <= n, memcmp(p + i, word.utf8Start, len) == 0 else { throw Doubt() }
        i += len
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, and nothing jansson might refuse:
    /// an integer of more than 18 digits (it may not fit jansson's 64 bits) or a number
    /// whose exponent could overflow a double.
    private mutating func number() throws(Doubt) {
        if peek == UInt8(ascii: "-") { i += 1 }
        guard i < n else { throw Doubt() }
        var digits = 0
        if p[i] == UInt8(ascii: "0") {
            i += 1
            digits = 1
        } else {
            while i < n, p[i] &- 0x30 < 10 { i += 1; digits += 1 }
            guard digits > 0 else { throw Doubt() }
        }
        var real = false
        if peek == UInt8(ascii: ".") {
            i += 1
            real = true
            var frac = 0
            while i < n, p[i] &- 0x30 < 10 { i += 1; frac += 1 }
            guard frac > 0 else { throw Doubt() }
            digits += frac
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            real = true
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            var exp = 0, expDigits = 0
            while i < n, p[i] &- 0x30 < 10 {
                exp = min(exp * 10 + Int(p[i] &- 0x30), 100_000)
                i += 1
                expDigits += 1
            }
            guard expDigits > 0, exp < 250 else { throw Doubt() }
        }
        guard real ? digits < 250 : digits <= 18 else { throw Doubt() }
    }

    /// A string from its opening quote to just past the closing one, checked as jansson
    /// checks it. Returns whether it holds escapes.
    @discardableResult
    private mutating func string() throws(Doubt) -> Bool {
        i += 1
        var escapes = false
        while i < n {
            let b = p[i]
            if b >= 0x20 && b < 0x80 && b != 0x22 && b != 0x5C {
                i += 1
                continue
            }
            if b == 0x22 {
                i += 1
                return escapes
            }
            if b == 0x5C {
                escapes = true
                try escape()
                continue
            }
            guard b >= 0x80 else { throw Doubt() }  // a control character
            try utf8()
        }
        throw Doubt()
    }

    private mutating func escape() throws(Doubt) {
        i += 1
        guard i < n else { throw Doubt() }
        switch p[i] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"),
            UInt8(ascii: "t"):
            i += 1
        case UInt8(ascii: "u"):
            let u = try hex4()
            if u >= 0xDC00 && u <= 0xDFFF { throw Doubt() }  // a low surrogate alone
            if u >= 0xD800 && u <= 0xDBFF {
                guard i + 1 < n, p[i] == 0x5C, p[i + 1] == UInt8(ascii: "u") else { throw Doubt() }
                i += 1
                let low = try hex4()
                guard low >= 0xDC00 && low <= 0xDFFF else { throw Doubt() }
            }
        default: throw Doubt()
        }
    }

    /// `uXXXX` at `i`; moves past it.
    private mutating func hex4() throws(Doubt) -> Int {
        guard i + 4 < n else { throw Doubt() }
        var v = 0
        for k in 1...4 {
            let c = p[i + k]
            let d: Int
            switch c {
            case 0x30...0x39: d = Int(c - 0x30)
            case 0x41...0x46: d = Int(c - 0x41 + 10)
            case 0x61...0x66: d = Int(c - 0x61 + 10)
            default: throw Doubt()
            }
            v = v * 16 + d
        }
        i += 5
        return v
    }

    /// One UTF-8 sequence of two to four bytes, well formed: no overlong form, no surrogate,
    /// nothing past U+10FFFF.
    private mutating func utf8() throws(Doubt) {
        let b = p[i]
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool { i + k < n && p[i + k] >= lo && p[i + k] <= hi }
        switch b {
        case 0xC2...0xDF:
            guard cont(1) else { throw Doubt() }
            i += 2
        case 0xE0:
            guard cont(1, 0xA0), cont(2) else { throw Doubt() }
            i += 3
        case 0xE1...0xEC, 0xEE, 0xEF:
            guard cont(1), cont(2) else { throw Doubt() }
            i += 3
        case 0xED:
            guard cont(1, 0x80, 0x9F), cont(2) else { throw Doubt() }
            i += 3
        case 0xF0:
            guard cont(1, 0x90), cont(2), cont(3) else { throw Doubt() }
            i += 4
        case 0xF1...0xF3:
            guard cont(1), cont(2), cont(3) else { throw Doubt() }
            i += 4
        case 0xF4:
            guard cont(1, 0x80, 0x8F), cont(2), cont(3) else { throw Doubt() }
            i += 4
        default: throw Doubt()
        }
    }

    /// Past a value kept whole or read by the caller: strings and brackets are followed, the
    /// rest is for jansson (or the caller) to check.
    private mutating func skipUnchecked() throws(Doubt) {
        guard i < n else { throw Doubt() }
        let open = p[i]
        guard open == UInt8(ascii: "{") || open == UInt8(ascii: "[") else {
            if open == UInt8(ascii: "\"") { return try skipStringUnchecked() }
            // A scalar: up to the next punctuation or space.
            while i < n {
                switch p[i] {
                case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"): return
                default: i += 1
                }
            }
            return
        }
        var level = 0
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                try skipStringUnchecked()
                continue
            }
            if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                level += 1
                guard level + depth < JSONPruner.maxDepth else { throw Doubt() }
            } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                level -= 1
                if level == 0 {
                    i += 1
                    return
                }
            }
            i += 1
        }
        throw Doubt()
    }

    private mutating func skipStringUnchecked() throws(Doubt) {
        i += 1
        while i < n {
            let b = p[i]
            i += 1
            if b == 0x22 { return }
            if b == 0x5C { i += 1 }
        }
        throw Doubt()
    }
}
