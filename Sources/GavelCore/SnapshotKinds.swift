import Foundation

/// Snapshot kinds: the seven Gavel's collectors make, and any other name of the form
/// `[a-z][a-z0-9_-]*` a policy, a test or a snapshot uses (`redis`, `postfix`, ...).
///
/// Evaluation works on kind numbers (a rule's kinds are a bit set; an asset's parts an
/// array), so each kind a policy set or a test names is given a number here, once per
/// process, and keeps it: two policy sets compiled in one run (`gavel diff`) and the
/// snapshots evaluated against both agree on what each number means. The built-in kinds are
/// 0 to 5. A snapshot whose kind no compiled policy names gets no number: no rule can read it,
/// and it is still recorded with the asset. At most `capacity` kinds exist in a process
/// (the rules' bit sets are 64 bits wide).
public enum SnapshotKinds {
    public static let builtIn: [String] = ["hosting", "php", "nginx", "wordpress", "magento", "shopify", "mariadb"]
    public static let capacity = 64

    private static let lock = NSLock()
    nonisolated(unsafe) private static var names: [String] = builtIn
    nonisolated(unsafe) private static var numbers: [String: Int] = Dictionary(uniqueKeysWithValues: builtIn.enumerated().map { ($1, $0) })

    /// `[a-z][a-z0-9_-]*`, at most 64 characters.
    public static func isValidName(_ s: String) -> Bool {
        guard let first = s.utf8.first, first >= 97, first <= 122, s.utf8.count <= 64 else { return false }
        return s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }
    }

    public static func isBuiltIn(_ s: String) -> Bool { builtIn.contains(s) }

    /// The kind's number, when something compiled names it.
    public static func index(of name: String) -> Int? {
        lock.lock(); defer { lock.unlock() }
        return numbers[name]
    }

    /// The kind's number, given it if new; nil for an invalid name or when `capacity` kinds exist.
    public static func intern(_ name: String) -> Int? {
        guard isValidName(name) else { return nil }
        lock.lock(); defer { lock.unlock() }
        if let n = numbers[name] { return n }
        guard names.count < capacity else { return nil }
        names.append(name)
        numbers[name] = names.count - 1
        return names.count - 1
    }

    public static func name(_ index: Int) -> String {
        lock.lock(); defer { lock.unlock() }
        return index < names.count ? names[index] : "kind#\(index)"
    }

    /// How many kinds have numbers: an asset's parts array is this long.
    public static var count: Int {
        lock.lock(); defer { lock.unlock() }
        return names.count
    }

    /// Every kind with a number, built-in first.
    public static var known: [String] {
        lock.lock(); defer { lock.unlock() }
        return names
    }
}
