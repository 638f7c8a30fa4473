import Foundation

/// Writes a folder of files (the HTML report of a fleet) so that a reader sees either the
/// old folder or the whole new one: the files go into a fresh temporary folder beside the
/// target, which then takes the target's place. A folder that is there already is replaced
/// only when it is empty or `replaceable` says Gavel wrote it; anything else is the user's
/// and is refused, never overwritten.
public enum AtomicFolder {
    /// Hands `body` a function that writes one file (a path relative to the folder, with
    /// `/` between subfolders) and puts the folder in place when `body` returns. On any
    /// failure the temporary folder is removed and `path` is left as it was.
    public static func write(
        to path: String, replaceable: (String) -> Bool, _ body: (_ file: (String, [UInt8]) throws -> Void) throws -> Void
    ) throws {
        typealias Failure = AtomicFile.WriteError
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDir)
        if exists {
            guard isDir.boolValue else { throw Failure(description: "cannot write the folder \(path): it exists and is a file") }
            let empty = (try? fm.contentsOfDirectory(atPath: path).isEmpty) ?? false
            guard empty || replaceable(path) else {
                throw Failure(
                    description: "cannot write the folder \(path): it exists, is not empty and is not a report Gavel wrote; remove it or choose another folder")
            }
        }
        let parent = PathNames.folder(of: path)
        guard fm.fileExists(atPath: parent, isDirectory: &isDir), isDir.boolValue else {
            throw Failure(description: "cannot write \(path): directory \(parent) does not exist")
        }
        let name = PathNames.lastComponent(of: path)
        // mkdtemp: an unpredictable name, created with mode 0700, so another user of a shared
        // folder can neither guess it nor look inside while it fills.
        let tmp = try makeTemporary(PathNames.join(parent, ".\(name).tmp-XXXXXX"))
        var made: Set<String> = []
        do {
            try body { relative, bytes in
                guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
                    throw Failure(description: "cannot write \(relative) into \(path): not a path inside the folder")
                }
                let sub = PathNames.folder(of: relative)
                if sub != ".", !made.contains(sub) {
                    try fm.createDirectory(atPath: PathNames.join(tmp, sub), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    made.insert(sub)
                }
                try writeNew(PathNames.join(tmp, relative), bytes)
            }
            if exists {
                // Move the old folder aside (onto an empty placeholder), put the new one in its
                // place, then remove the old one.
                let old = try makeTemporary(PathNames.join(parent, ".\(name).old-XXXXXX"))
                guard rename(path, old) == 0 else {
                    let reason = String(cString: strerror(errno))
                    rmdir(old)
                    throw Failure(description: "cannot replace \(path): \(reason)")
                }
                guard rename(tmp, path) == 0 else {
                    let reason = String(cString: strerror(errno))
                    rename(old, path)
                    throw Failure(description: "cannot replace \(path): \(reason)")
                }
                try? fm.removeItem(atPath: old)
            } else if rename(tmp, path) != 0 {
                throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? fm.removeItem(atPath: tmp)
            throw error
        }
    }

    /// Everything in `folder` that is not a folder (files, links, ...), as paths relative to
    /// it; links are listed, not followed.
    public static func files(under folder: String) -> [String] {
        var out: [String] = []
        guard let e = FileManager.default.enumerator(atPath: folder) else { return out }
        while let p = e.nextObject() as? String {
            if e.fileAttributes?[.type] as? FileAttributeType != .typeDirectory { out.append(p) }
        }
        return out
    }

    static func makeTemporary(_ template: String) throws -> String {
        var t = Array(template.utf8CString)
        guard t.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw AtomicFile.WriteError(description: "cannot create a temporary folder \(template): \(String(cString: strerror(errno)))")
        }
        return String(decoding: t.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Creates `path` (it must not exist; a symbolic link planted there is refused) readable
    /// by its owner only, as every file Gavel writes.
    static func writeNew(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AtomicFile.WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try bytes.withUnsafeBytes { try AtomicFile.writeAll(fd, $0, path) }
    }
}
