import GavelCore

extension Evidence {
    /// "php.ini.expose_php is "On"; expected equals false (as: bool)". Written as bytes into
    /// one string: every failing result has one.
    public var sentence: String {
        let e = self
        if e.result == .unknown, let note = e.note { return note }
        var s: [UInt8] = []
        s.reserveCapacity(e.path.utf8.count + 96)
        func observed() {
            if let o = e.observed { JSONWriter.write(o, into: &s, pretty: false, indent: 0) } else { s += "absent".utf8 }
        }
        func expectation() {
            s += e.op.utf8
            s.append(UInt8(ascii: " "))
            JSONWriter.write(e.expected, into: &s, pretty: false, indent: 0)
        }
        func coercion() {
            if let c = e.coercion { s += " (as: ".utf8; s += c.utf8; s.append(UInt8(ascii: ")")) }
        }
        s += e.path.utf8
        if e.op.hasPrefix("count") {
            s += ": ".utf8
            if let note = e.note { s += note.utf8 } else { observed() }
            s += "; expected ".utf8
            expectation()
            return String(decoding: s, as: UTF8.self)
        }
        s += " is ".utf8
        observed()
        if e.result == .yes {
            // The leaf held, and holding is what the rule forbids (under not/none).
            s += ", which the rule forbids (".utf8
            expectation()
            coercion()
            s.append(UInt8(ascii: ")"))
        } else {
            s += "; expected ".utf8
            expectation()
            coercion()
        }
        if var note = e.note?[...] {
            // "is absent" is already said: keep only what follows, "(missing: fail)".
            if e.observed == nil, note.hasPrefix("absent") {
                note = note.dropFirst(6).drop { $0 == " " || $0 == "(" }
                if note.hasSuffix(")") { note = note.dropLast() }
            }
            if !note.isEmpty { s += " (".utf8; s += note.utf8; s.append(UInt8(ascii: ")")) }
        }
        return String(decoding: s, as: UTF8.self)
    }
}
