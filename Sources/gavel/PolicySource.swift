import Foundation
import GavelCore

/// Where `gavel diff` reads a policy set from: a folder (or file) as given, or a git revision,
/// whose policy folder is copied out of the object store into a temporary folder so that
/// the working tree is never touched.
struct PolicySource {
    /// The folder to compile.
    let path: String
    /// How the set is named in output: the path, or `REV:FOLDER` for a revision.
    let label: String
    /// The commit a revision resolved to.
    let commit: String?
    private let temporary: String?

    /// `spec` is a path when one exists, else `REV` (the folder `folder`, relative to the
    /// current directory, at that revision) or `REV:FOLDER` (as in git: FOLDER from the top of
    /// the repository, or from the current directory when it starts with `./` or `../`).
    static func resolve(_ spec: String, folder: String) throws -> PolicySource {
        if FileManager.default.fileExists(atPath: spec) { return PolicySource(path: spec, label: spec, commit: nil, temporary: nil) }
        var rev = spec, sub = folder, fromTop: String
        if let colon = spec.firstIndex(of: ":"), colon != spec.startIndex {
            rev = String(spec[..<colon])
            sub = String(spec[spec.index(after: colon)...])
        }
        guard let commitData = try? Git.run(["rev-parse", "--verify", "--quiet", "\(rev)^{commit}"]) else {
            throw Diagnostic(.policySource, "'\(spec)' is neither an existing policy folder nor a git revision here")
        }
        if rev == spec || sub.hasPrefix("./") || sub.hasPrefix("../") || sub == "." || sub == ".." {
            fromTop = try Git.relativeToTop(sub)
        } else {
            fromTop = String(sub.drop { $0 == "/" })
        }
        let commit = String(decoding: commitData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let tree = "\(commit):\(fromTop)"
        let listing: Data
        do { listing = try Git.run(["ls-tree", "-r", "-z", "--full-tree", tree]) } catch {
            throw Diagnostic(.policySource, "'\(sub)' is not a folder at \(rev) (\(commit.prefix(12)))")
        }
        let tmp = NSTemporaryDirectory() + "gavel-base-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        do {
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            try Git.export(listing: listing, to: tmp)
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
        let shown = fromTop.hasSuffix("/") ? String(fromTop.dropLast()) : fromTop
        return PolicySource(path: tmp, label: "\(rev):\(shown.isEmpty ? "." : shown)", commit: commit, temporary: tmp)
    }

    /// Names a file of this set as the user knows it.
    func display(_ text: String) -> String {
        guard let temporary else { return text }
        return text.replacingOccurrences(of: temporary, with: label)
    }

    func cleanUp() {
        if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
    }
}

/// The few git plumbing commands `PolicySource` needs, run in the current directory.
enum Git {
    /// Runs git; stdin and stderr go through temporary files so that neither pipe can fill up
    /// while the other is being read.
    static func run(_ args: [String], input: Data? = nil) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git"] + args
        // git needs its configuration (HOME, XDG) and the repository variables a CI job may
        // set; nothing else of Gavel's environment (tokens, secrets) is passed on.
        p.environment = ChildEnvironment.minimal(keeping: [
            "HOME", "XDG_CONFIG_HOME", "GIT_DIR", "GIT_WORK_TREE",
            "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CEILING_DIRECTORIES",
        ])
        let errURL = URL(fileURLWithPath: NSTemporaryDirectory() + "gavel-git-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        p.standardError = try FileHandle(forWritingTo: errURL)
        var inURL: URL?
        if let input {
            let url = URL(fileURLWithPath: NSTemporaryDirectory() + "gavel-git-\(UUID().uuidString).in")
            try input.write(to: url)
            inURL = url
            p.standardInput = try FileHandle(forReadingFrom: url)
        } else {
            p.standardInput = FileHandle.nullDevice
        }
        defer { if let inURL { try? FileManager.default.removeItem(at: inURL) } }
        let out = Pipe()
        p.standardOutput = out
        do { try p.run() } catch { throw Diagnostic(.policySource, "cannot run git: \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw Diagnostic(.policySource, "git \(args.first ?? ""): \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return data
    }

    /// `path` (relative to the current directory, or absolute) as a path from the top of the work tree.
    static func relativeToTop(_ path: String) throws -> String {
        let top = String(decoding: try run(["rev-parse", "--show-toplevel"]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = URL(fileURLWithPath: path.hasPrefix("/") ? path : cwd + "/" + path).standardizedFileURL.path
        let topURL = URL(fileURLWithPath: top).resolvingSymlinksInPath().path
        let resolved = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
        for root in [topURL, top] {
            if resolved == root || absolute == root { return "" }
            for candidate in [resolved, absolute] where candidate.hasPrefix(root + "/") { return String(candidate.dropFirst(root.count + 1)) }
        }
        throw Diagnostic(.policySource, "\(path) is outside the git work tree \(top)")
    }

    /// Writes every regular file of an `ls-tree -r -z` listing below `dir`, reading all blobs
    /// through one `cat-file --batch`.
    static func export(listing: Data, to dir: String) throws {
        var files: [(sha: String, path: String)] = []
        for record in listing.split(separator: 0) {
            guard let tab = record.firstIndex(of: 9) else { continue }
            let meta = String(decoding: record[record.startIndex..<tab], as: UTF8.self).split(separator: " ")
            let path = String(decoding: record[(tab + 1)...], as: UTF8.self)
            guard meta.count == 3, meta[1] == "blob", meta[0] == "100644" || meta[0] == "100755",
                !path.split(separator: "/").contains("..")
            else { continue }
            files.append((String(meta[2]), path))
        }
        let batch = try run(["cat-file", "--batch"], input: Data(files.map { $0.sha + "\n" }.joined().utf8))
        var at = batch.startIndex
        for f in files {
            guard let nl = batch[at...].firstIndex(of: 10) else { throw Diagnostic(.policySource, "git cat-file: short output") }
            let header = String(decoding: batch[at..<nl], as: UTF8.self).split(separator: " ")
            guard header.count == 3, let size = Int(header[2]), nl + 1 + size <= batch.endIndex else {
                throw Diagnostic(.policySource, "git cat-file: unexpected header for \(f.path)")
            }
            let target = dir + "/" + f.path
            try FileManager.default.createDirectory(atPath: PathNames.folder(of: target), withIntermediateDirectories: true)
            try Data(batch[(nl + 1)..<(nl + 1 + size)]).write(to: URL(fileURLWithPath: target))
            at = nl + 1 + size + 1
        }
    }
}
