/// "Did you mean" support: the closest candidate by edit distance, if it is close enough.
public enum Suggest {
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let w = Array(word.lowercased().unicodeScalars)
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, Array(c.lowercased().unicodeScalars))
            if best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
        }
        guard let (name, d) = best else { return nil }
        let limit = max(1, min(3, (w.count + 2) / 3))
        if d <= limit { return name }
        return abbreviation(w, candidates)
    }

    /// A candidate the word spells out or cuts short (`integer` for `int`, `sev` for
    /// `severity`), too far apart for the edit distance; the longest such, at least 3 long.
    private static func abbreviation(_ w: [Unicode.Scalar], _ candidates: some Sequence<String>) -> String? {
        var best: String?
        for c in candidates {
            let cs = Array(c.lowercased().unicodeScalars)
            let (short, long) = cs.count < w.count ? (cs, w) : (w, cs)
            guard short.count >= 3, long.starts(with: short) else { continue }
            if best == nil || c.count > best!.count || (c.count == best!.count && c < best!) { best = c }
        }
        return best
    }

    /// "; did you mean 'x'?" or "".
    public static func hint(for word: String, in candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Damerau-Levenshtein (optimal string alignment) distance.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
