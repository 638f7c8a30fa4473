import Foundation
import GavelCore

/// Paths on the machine, read under another root directory (`--root`: a mounted image or a
/// copy of /etc). The snapshot keeps the machine's own paths.
///
/// Symbolic links are followed as the machine would follow them: an absolute link in an
/// image (Debian's `sites-enabled/default -> /etc/nginx/sites-available/default`) points to
/// the image's file, not to the file of the machine that reads the image, and `..` never
/// climbs out of the root.
package enum RootPath {
    package static func join(_ root: String, _ path: String) -> String {
        if root == "/" || root.isEmpty { return path }
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        let resolved = resolve(root, path)
        return resolved == "/" ? base + (path.isEmpty ? "" : "/") : base + resolved + (path.hasSuffix("/") ? "/" : "")
    }

    /// The machine path `path` names once every symbolic link along it is followed inside
    /// `root` (at most 40 links, as Linux allows; a longer chain is left where it stopped).
    package static func resolve(_ root: String, _ path: String) -> String {
        let base = root == "/" || root.isEmpty ? "" : (root.hasSuffix("/") ? String(root.dropLast()) : root)
        var pending = path.split(separator: "/").map(String.init)
        var done: [String] = []
        var links = 0
        while !pending.isEmpty {
            let c = pending.removeFirst()
            if c == "." || c.isEmpty { continue }
            if c == ".." {
                if !done.isEmpty { done.removeLast() }
                continue
            }
            if links < 40, let link = readLink(base + "/" + (done + [c]).joined(separator: "/")) {
                links += 1
                if link.hasPrefix("/") { done = [] }
                pending = link.split(separator: "/").map(String.init) + pending
                continue
            }
            done.append(c)
        }
        return "/" + done.joined(separator: "/")
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buffer, 4096)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A machine path as an error names it: with `--root`, also the file actually read.
    static func shown(_ root: String, _ path: String) -> String {
        root == "/" || root.isEmpty ? path : "\(path) (read as \(join(root, path)), under --root \(root))"
    }
}
