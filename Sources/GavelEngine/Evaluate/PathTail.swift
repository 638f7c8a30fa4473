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
        var bytes: [UInt8] = []
        PathTail.appendDisplay(parts, to: &bytes)
        let display = String(decoding: bytes, as: UTF8.self)
        self.display = display
        self.kind = kind
        rooted = kind.map { SnapshotKinds.known[$0] + display }
        var pointer: [UInt8] = []
        PathTail.appendPointer(parts, to: &pointer)
        self.pointer = pointer
    }

    /// The display form of `parts`, as UTF-8: evidence names hundreds of paths per asset.
    static func appendDisplay(_ parts: [Evaluator.PathPart], to s: inout [UInt8]) {
        for p in parts {
            switch p {
            case .index(let i):
                s.append(UInt8(ascii: "["))
                appendDecimal(i, to: &s)
                s.append(UInt8(ascii: "]"))
            case .key(let k):
                if isPlainKey(k) {
                    s.append(UInt8(ascii: "."))
                    s += k.utf8
                } else {
                    s += ".\"".utf8
                    for b in k.utf8 {
                        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { s.append(UInt8(ascii: "\\")) }
                        s.append(b)
                    }
                    s.append(UInt8(ascii: "\""))
                }
            }
        }
    }

    static func appendPointer(_ parts: [Evaluator.PathPart], to pointer: inout [UInt8]) {
        for p in parts {
            pointer.append(UInt8(ascii: "/"))
            switch p {
            case .index(let i): appendDecimal(i, to: &pointer)
            case .key(let k):
                for b in k.utf8 {
                    switch b {
                    case UInt8(ascii: "~"): pointer += [UInt8(ascii: "~"), UInt8(ascii: "0")]
                    case UInt8(ascii: "/"): pointer += [UInt8(ascii: "~"), UInt8(ascii: "1")]
                    default: pointer.append(b)
                    }
                }
            }
        }
    }

    /// `i` in decimal, as `String(i)` writes it.
    static func appendDecimal(_ i: Int, to s: inout [UInt8]) {
        if i < 0 { s.append(UInt8(ascii: "-")) }
        var n = i.magnitude
        let start = s.count
        repeat {
            s.append(UInt8(ascii: "0") + UInt8(n % 10))
            n /= 10
        } while n > 0
        s[start...].reverse()
    }

    /// An identifier key (`[A-Za-z_][A-Za-z0-9_-]*`) needs no quotes in a path. ASCII checks only.
    static func isPlainKey(_ k: String) -> Bool {
        var first = true
        for b in k.utf8 {
            let letter = (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
            let digitOrDash = (b >= 48 && b <= 57) || b == 45
            if !(letter || (!first && digitOrDash)) { return false }
            first = false
        }
        return !first
    }
}
