import Foundation
import GavelCore

/// Reads the machine's files, optionally under another root (`--root`, for a mounted image
/// or a test fixture), and records what could not be read and why. Paths in the snapshot are
/// always the machine's own (`/etc/ssh/sshd_config`), never the root prefix.
struct HostFiles {
    var root: String
    private(set) var skipped: [(part: String, reason: String)] = []

    init(root: String = "/") { self.root = root.hasSuffix("/") && root != "/" ? String(root.dropLast()) : root }

    var isLiveSystem: Bool { root == "/" }

    func real(_ path: String) -> String { RootPath.join(root, path) }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: real(path)) }

    /// The file's text, or nil (recording why under `part`) when it is missing or unreadable.
    mutating func text(_ path: String, part: String? = nil) -> String? {
        let r = real(path)
        guard FileManager.default.fileExists(atPath: r) else { return nil }
        guard FileManager.default.isReadableFile(atPath: r), let d = FileManager.default.contents(atPath: r) else {
            if let part { skip(part, "\(path) is not readable by this user (run as root to include it)") }
            return nil
        }
        return String(decoding: d, as: UTF8.self)
    }

    func bytes(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: real(path)).map { [UInt8]($0) } }

    /// Entries of a directory matching a glob on the file name, in byte order.
    func list(_ dir: String, matching pattern: String = "*") -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: real(dir))) ?? []
        return names.filter { NginxGlob.matches(pattern, $0) }.sorted(by: NginxGlob.byteOrder).map { (dir.hasSuffix("/") ? dir : dir + "/") + $0 }
    }

    /// Paths matching a glob whose wildcards are in the last component.
    func glob(_ pattern: String) -> [String] {
        let dir = PathNames.folder(of: pattern)
        let base = PathNames.lastComponent(of: pattern)
        guard base.contains(where: { "*?[".contains($0) }) else { return exists(pattern) ? [pattern] : [] }
        return list(dir, matching: base)
    }

    mutating func skip(_ part: String, _ reason: String) { skipped.append((part, reason)) }

    /// Runs a probe program only on the live system (never against a `--root` image).
    mutating func run(_ part: String, _ program: String, _ args: [String], timeout: TimeInterval = 60) -> Subprocess.Output? {
        guard isLiveSystem else { skip(part, "not run against --root \(root)"); return nil }
        let candidates = program.contains("/") ? [program] : [Subprocess.which(program), "/usr/sbin/" + program, "/sbin/" + program].compactMap { $0 }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        do { return try Subprocess.run(path, args, timeout: timeout, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"]) } catch {
            skip(part, "\(program) could not be run: \(error)")
            return nil
        }
    }
}
