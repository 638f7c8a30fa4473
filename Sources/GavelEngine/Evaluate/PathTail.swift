import GavelCore

/// The written part of a path, named once when the policy is compiled: what evidence needs
/// to name a value it read, apart from the element indices a quantifier adds in front.
///
/// A leaf `hosting.sshd.settings.passwordauthentication` that fails on a thousand assets
/// names the same path a thousand times; its display text and the JSON Pointer its
/// provenance is looked up by are worked out here, not per record.
final class PathTail: Sendable {
    /// The steps before the first `[*]` (all of them in a leaf path).
    let parts: [Evaluator.PathPart]
    /// Those steps in the language's syntax, after the kind or element: `.sshd."a.b"[2]`.
    let display: String
    /// The same steps as JSON Pointer tokens: `/sshd/a.b/2`.
    let pointer: [UInt8]
    /// For a path from a kind, the kind's index and the whole display text
    /// (`hosting.sshd.settings.permitrootlogin`): what a leaf outside any quantifier names
    /// on every asset where it fails.
    let kind: Int?
    let rooted: String?

    /// What makes two tails the same: their kind and both spellings.
    struct Key: Hashable {
        var kind: Int?
        var display: String
        var pointer: [UInt8]
    }
    var key: Key { Key(kind: kind, display: display, pointer: pointer) }

    init(_ steps: [CompiledPath.Step], kind: Int?) {
        var parts: [Evaluator.PathPart] = []
        written: for step in steps {
            switch step {
            case .key(let k): parts.append(.key(k.text))
            case .index(let i): parts.append(.index(i))
            case .wildcard: break written
            }
        }
        self.parts = parts
        let display = ByteSink.string(capacity: PathTail.displayBound(parts)) { PathTail.appendDisplay(parts, to: &$0) }
        self.display = display
        self.kind = kind
        rooted = kind.map { SnapshotKinds.name($0) + display }
        pointer = ByteSink.bytes(capacity: PathTail.pointerBound(parts)) { PathTail.appendPointer(parts, to: &$0) }
    }

    /// The most bytes `appendDisplay` writes for `parts`: an index as `[` up to 20 digits `]`,
    /// a key with its dot, quotes and every byte escaped.
    static func displayBound(_ parts: [Evaluator.PathPart]) -> Int { bound(parts, index: 22, key: 3) }

    /// The most bytes `appendPointer` writes for `parts`: a slash, then a number or the key
    /// with every byte escaped.
    static func pointerBound(_ parts: [Evaluator.PathPart]) -> Int { bound(parts, index: 21, key: 1) }

    /// `index` bytes per index, and per key `key` bytes plus two per byte of the key.
    private static func bound(_ parts: [Evaluator.PathPart], index: Int, key: Int) -> Int {
        var n = 0
        for p in parts {
            switch p {
            case .index: n += index
            case .key(let k): n += key + 2 * k.utf8.count
            }
        }
        return n
    }

    /// The display form of `parts`, as UTF-8: evidence names hundreds of paths per asset.
    /// Keys are read as byte buffers; most are identifiers, copied whole.
    static func appendDisplay(_ parts: [Evaluator.PathPart], to s: inout ByteSink) {
        for p in parts {
            switch p {
            case .index(let i):
                s.append(UInt8(ascii: "["))
                appendDecimal(i, to: &s)
                s.append(UInt8(ascii: "]"))
            case .key(var k):
                s.append(UInt8(ascii: "."))
                k.withUTF8 { key in
                    if isPlainKey(key) { s.append(key); return }
                    s.append(UInt8(ascii: "\""))
                    for b in key {
                        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { s.append(UInt8(ascii: "\\")) }
                        s.append(b)
                    }
                    s.append(UInt8(ascii: "\""))
                }
            }
        }
    }

    /// `parts` as JSON Pointer tokens (`~` and `/` escaped as `~0` and `~1`).
    static func appendPointer(_ parts: [Evaluator.PathPart], to s: inout ByteSink) {
        for p in parts {
            s.append(UInt8(ascii: "/"))
            switch p {
            case .index(let i): appendDecimal(i, to: &s)
            case .key(var k):
                k.withUTF8 { key in
                    if !key.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) { s.append(key); return }
                    for b in key {
                        switch b {
                        case UInt8(ascii: "~"): s.append(UInt8(ascii: "~")); s.append(UInt8(ascii: "0"))
                        case UInt8(ascii: "/"): s.append(UInt8(ascii: "~")); s.append(UInt8(ascii: "1"))
                        default: s.append(b)
                        }
                    }
                }
            }
        }
    }

    /// `i` in decimal, as `String(i)` writes it (at most 20 bytes).
    static func appendDecimal(_ i: Int, to s: inout ByteSink) {
        if i < 0 { s.append(UInt8(ascii: "-")) }
        var n = i.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits, last first
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            } while n > 0
            while count > 0 {
                count -= 1
                s.append(d[count])
            }
        }
    }

    /// An identifier key (`[A-Za-z_][A-Za-z0-9_-]*`) needs no quotes in a path. ASCII checks only.
    static func isPlainKey(_ k: UnsafeBufferPointer<UInt8>) -> Bool {
        var first = true
        for b in k {
            let letter = (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
            let digitOrDash = (b >= 48 && b <= 57) || b == 45
            if !(letter || (!first && digitOrDash)) { return false }
            first = false
        }
        return !first
    }
}
