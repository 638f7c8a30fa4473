import Foundation
import GavelCollectors
import GavelCore

/// A unified diff of one file, as `diff -u` (GNU diffutils) writes it, with the file's path
/// relative to the machine's root on both sides, so `cd / && patch -p0 < FILE` applies it.
enum UnifiedDiff {
    static func of(path: String, old: String, new: String) throws -> String { try run(path: path, old: old, new: new, context: 3) }

    /// The same without context lines (`patch` still applies it, by line number).
    static func withoutContext(path: String, old: String, new: String) throws -> String { try run(path: path, old: old, new: new, context: 0) }

    static func run(path: String, old: String, new: String, context: Int) throws -> String {
        let dir = NSTemporaryDirectory() + "gavel-fix-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try old.write(toFile: dir + "/a", atomically: false, encoding: .utf8)
        try new.write(toFile: dir + "/b", atomically: false, encoding: .utf8)
        let label = path.hasPrefix("/") ? String(path.dropFirst()) : path
        let out = try Subprocess.run("/usr/bin/diff", ["-U", String(context), "--label", label, "--label", label, dir + "/a", dir + "/b"], timeout: 30)
        // diff exits 1 when the files differ, 0 when they do not.
        guard out.status == 0 || out.status == 1 else { throw Diagnostic(.commandFailed, "diff failed on \(path): \(out.stderr)") }
        return out.stdout
    }
}
