import Foundation

/// A snapshots folder (`DIR/<asset>/<kind>.json`) whose asset folders are replaced whole:
/// an asset's new files are written into a staging folder inside `DIR` and the finished
/// folder takes the old one's place in one step (`renameat2` with `RENAME_EXCHANGE` where
/// the file system has it, else two renames). A reader never sees half an asset, and a
/// collection that fails midway changes nothing.
///
/// The folder an asset had before is kept under `DIR/.gavel-previous/<asset>/` (one
/// generation), so nothing is lost unasked; names starting with `.` are skipped by
/// `gavel eval`, so neither it nor the staging folders are evaluated.
///
/// Each writer (a host, for `collect host` and `collect fleet`) is an *owner*: the assets it
/// wrote last are listed in `DIR/.gavel-owners/<owner>.json`, so an asset it no longer
/// produces (a site removed from nginx) is retired rather than evaluated forever, and
/// assets other writers put in `DIR` are never touched.
public struct AssetFolders: Sendable {
    public let root: String
    public static let previousFolder = ".gavel-previous"

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates `root` when missing.
    public init(_ root: String) throws {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        do {
            try FileManager.default.createDirectory(atPath: self.root, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create the folder \(root): \(error.localizedDescription)")
        }
    }

    public func folder(of asset: String) -> String { root + "/" + asset }
    public func previous(of asset: String) -> String { root + "/" + Self.previousFolder + "/" + asset }

    /// What an owner recorded when it last wrote: its assets and how that collection went.
    public struct Ownership: Codable, Equatable, Sendable {
        public var owner: String
        public var assets: [String]
        /// `ok`, or why the owner's assets are failure records (`unreachable`, `timeout`, ...).
        public var outcome: String
        public var at: String
        /// When the owner's assets were last collected successfully.
        public var lastGood: String?
        enum CodingKeys: String, CodingKey { case owner, assets, outcome, at, lastGood = "last_good" }
        public init(owner: String, assets: [String], outcome: String, at: String, lastGood: String?) {
            self.owner = owner
            self.assets = assets
            self.outcome = outcome
            self.at = at
            self.lastGood = lastGood
        }
    }

    public static let ownersFolder = ".gavel-owners"

    func ownershipFile(_ owner: String) -> String {
        let safe = String(owner.map { $0.isLetter || $0.isNumber || "-_.@".contains($0) ? $0 : "_" })
        return root + "/" + Self.ownersFolder + "/" + (safe.hasPrefix(".") ? "_" + safe.dropFirst() : safe) + ".json"
    }

    /// What `owner` wrote last, or nil when it never wrote here (or the record is unreadable).
    public func ownership(of owner: String) -> Ownership? {
        guard let data = FileManager.default.contents(atPath: ownershipFile(owner)) else { return nil }
        return try? JSONDecoder().decode(Ownership.self, from: data)
    }

    /// Every owner's record.
    public func owners() -> [Ownership] {
        let dir = root + "/" + Self.ownersFolder
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { n in
            FileManager.default.contents(atPath: dir + "/" + n).flatMap { try? JSONDecoder().decode(Ownership.self, from: $0) }
        }
    }

    /// Replaces `owner`'s assets: writes the new ones, retires those it had last time and no
    /// longer has (except `keeping`, assets another owner took over), and records the list.
    /// `keepOld` false discards the replaced folders instead of keeping them as the previous
    /// generation (when they were failure records, the good generation stays there).
    public func replace(
        _ assets: [(asset: String, files: [(name: String, contents: Data)])], owner: String, outcome: String,
        at: String, lastGood: String?, keepOld: Bool = true, keeping: Set<String> = []
    ) throws {
        let before = ownership(of: owner)?.assets ?? []
        try replace(assets, keepOld: keepOld)
        let now = Set(assets.map(\.asset))
        for gone in before where !now.contains(gone) && !keeping.contains(gone) { try retire(gone) }
        let record = Ownership(owner: owner, assets: assets.map(\.asset), outcome: outcome, at: at, lastGood: lastGood)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try FileManager.default.createDirectory(atPath: root + "/" + Self.ownersFolder, withIntermediateDirectories: true)
            try AtomicFile.write(try encoder.encode(record), to: ownershipFile(owner))
        } catch {
            throw Failure(description: "cannot record the assets of \(owner) in \(ownershipFile(owner)): \(error)")
        }
    }

    /// Writes each asset's files (`<name>` -> contents) and puts each asset folder in place.
    public func replace(_ assets: [(asset: String, files: [(name: String, contents: Data)])], keepOld: Bool = true) throws {
        var template = Array((root + "/.gavel-staging-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(description: "cannot make a staging folder in \(root): \(String(cString: strerror(errno)))")
        }
        let staging = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        for a in assets {
            let dir = staging + "/" + a.asset
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
                for f in a.files { try AtomicFile.write(f.contents, to: dir + "/" + f.name) }
            } catch {
                throw Failure(description: "cannot write asset \(a.asset) into \(staging): \(error)")
            }
        }
        for a in assets { try install(staging + "/" + a.asset, as: a.asset, keepOld: keepOld) }
    }

    /// Moves an asset's folder aside to `.gavel-previous/<asset>/`.
    public func retire(_ asset: String) throws {
        guard FileManager.default.fileExists(atPath: folder(of: asset)) else { return }
        try keepPrevious(folder(of: asset), asset)
    }

    private func install(_ ready: String, as asset: String, keepOld: Bool) throws {
        let target = folder(of: asset)
        if FileManager.default.fileExists(atPath: target) {
            if Self.exchange(ready, target) {
                // `ready` now holds the old folder.
                if keepOld { try keepPrevious(ready, asset) } else { try? FileManager.default.removeItem(atPath: ready) }
                return
            }
            if keepOld {
                try keepPrevious(target, asset)
            } else {
                do { try FileManager.default.removeItem(atPath: target) } catch {
                    throw Failure(description: "cannot remove \(target): \(error.localizedDescription)")
                }
            }
        }
        guard rename(ready, target) == 0 else {
            throw Failure(description: "cannot move \(ready) to \(target): \(String(cString: strerror(errno)))")
        }
    }

    private func keepPrevious(_ old: String, _ asset: String) throws {
        let keep = previous(of: asset)
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: root + "/" + Self.previousFolder, withIntermediateDirectories: true)
            if fm.fileExists(atPath: keep) { try fm.removeItem(atPath: keep) }
        } catch {
            throw Failure(description: "cannot make room for \(keep): \(error.localizedDescription)")
        }
        guard rename(old, keep) == 0 else {
            throw Failure(description: "cannot move \(old) to \(keep): \(String(cString: strerror(errno)))")
        }
    }

    /// `renameat2(RENAME_EXCHANGE)`: Glibc declares it only under _GNU_SOURCE, which Swift's
    /// Glibc module does not see, so it is looked up by name; false when it is missing or
    /// the file system refuses (the caller then renames twice).
    static func exchange(_ a: String, _ b: String) -> Bool {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(sym, to: RenameAt2.self)
        let exchangeFlag: UInt32 = 2  // RENAME_EXCHANGE, linux/fs.h
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, exchangeFlag) == 0
    }
}
