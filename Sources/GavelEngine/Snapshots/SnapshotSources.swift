import Foundation
import GavelCore
import GavelResults

/// Where snapshots come from, split into units of work that load independently.
///
/// A folder `Snapshots/<asset>/` is one unit, listed and loaded only when a worker takes it,
/// so memory holds the assets in flight rather than the fleet and listing a large fleet's
/// folders is shared by the workers. Loose files and JSON Lines from `-` are read up front
/// and grouped by asset.
public enum SnapshotUnit: Sendable {
    case folder(String)
    case loaded([LoadedSnapshot])
    /// One asset's JSON Lines from standard input (and the asset they name, as the reader
    /// found it), parsed by the worker that takes them.
    case lines(asset: String?, [JSONLinesReader.Line])

    /// Loads the unit's snapshots; with `reading`, only what those rules read of each is built.
    public func load(reading: ReadSelection? = nil) -> Result<LoadedAsset, Diagnostic> {
        switch self {
        case .loaded(let snaps): return LoadedAsset.merge(snaps)
        case .lines(_, let lines):
            var snaps: [LoadedSnapshot] = []
            for l in lines {
                switch l.bytes.withUnsafeBytes({ LoadedSnapshot.parse($0, source: "<stdin>", line: l.number, reading: reading) }) {
                case .success(let s): snaps.append(s)
                case .failure(let e): return .failure(e)
                }
            }
            return LoadedAsset.merge(snaps)
        case .folder(let dir):
            let files: [String]
            switch SnapshotUnit.jsonFiles(under: dir) {
            case .success(let found): files = found
            case .failure(let e): return .failure(e)
            }
            var snaps: [LoadedSnapshot] = []
            for f in files {
                switch LoadedSnapshot.load(file: f, reading: reading) {
                case .success(let s): snaps.append(s)
                case .failure(let e): return .failure(e)
                }
            }
            if snaps.isEmpty {
                return .failure(Diagnostic(.noSnapshots, "folder holds no *.json snapshots", at: SourceLocation(file: dir)))
            }
            return LoadedAsset.merge(snaps)
        }
    }
}

public struct SnapshotPlan: Sendable {
    public var units: [SnapshotUnit]
    public var errors: [Diagnostic]
    /// Set by `sharded(_:)`: the share of the fleet kept, and the names of all the fleet's
    /// assets (a waiver may name an asset another shard evaluates).
    public var shard: Shard?
    public var allAssets: [String]?
    /// `-` among the inputs: JSON Lines streamed from standard input while the run goes on
    /// (after the other inputs' units), an asset at a time.
    var stream: JSONLinesReader?
    public var readsStream: Bool { stream != nil }

    public init(units: [SnapshotUnit], errors: [Diagnostic]) {
        self.units = units
        self.errors = errors
    }

    /// The unit's asset name before it is loaded: a folder's name, or the asset of loose
    /// snapshots.
    static func name(_ unit: SnapshotUnit) -> String {
        switch unit {
        case .folder(let dir): return PathNames.lastComponent(of: dir)
        case .loaded(let snaps): return snaps.first?.info.asset ?? ""
        case .lines(let asset, _): return asset ?? ""
        }
    }

    /// Only the units of `shard`, decided by the asset's name before anything is loaded (a
    /// folder by its name: a fleet's folders are named after their assets, and `Runner`
    /// reports one whose snapshots name another asset, which would otherwise be evaluated by
    /// no shard or by two).
    public func sharded(_ shard: Shard) -> SnapshotPlan {
        var out = SnapshotPlan(units: units.filter { shard.contains(SnapshotPlan.name($0)) }, errors: errors)
        out.stream = stream
        out.shard = shard
        out.allAssets = units.map(SnapshotPlan.name)
        return out
    }

    /// Plans the inputs: directories, single files, or `-` for JSON Lines on standard input
    /// (streamed while the run goes on: `stream` reads it, standard input by default).
    public static func make(_ inputs: [String], stream: @escaping (UnsafeMutableRawBufferPointer) -> Int = JSONLinesReader.readStandardInput) -> SnapshotPlan {
        var units: [SnapshotUnit] = []
        var errors: [Diagnostic] = []
        var loose: [LoadedSnapshot] = []
        var reader: JSONLinesReader?
        let fm = FileManager.default
        for input in inputs {
            if input == "-" {
                reader = JSONLinesReader(read: stream)
                continue
            }
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: input, isDirectory: &isDir) else {
                errors.append(Diagnostic(.unreadable, "no such file or directory", at: SourceLocation(file: input)))
                continue
            }
            if !isDir.boolValue {
                switch LoadedSnapshot.load(file: input) {
                case .success(let s): loose.append(s)
                case .failure(let e): errors.append(e)
                }
                continue
            }
            let base = input.hasSuffix("/") ? String(input.dropLast()) : input
            let listed: [(name: String, isFolder: Bool)]
            switch SnapshotUnit.entries(of: base, followingLinks: true) {
            case .success(let found): listed = found.sorted { $0.name < $1.name }
            case .failure(let e):
                errors.append(e)
                continue
            }
            for (entry, isFolder) in listed {
                let full = base + "/" + entry
                if isFolder {
                    units.append(.folder(full))
                } else if entry.hasSuffix(".json") {
                    switch LoadedSnapshot.load(file: full) {
                    case .success(let s): loose.append(s)
                    case .failure(let e): errors.append(e)
                    }
                }
            }
        }
        let grouped = Dictionary(grouping: loose, by: \.info.asset)
        for name in grouped.keys.sorted() { units.append(.loaded(grouped[name]!)) }
        var plan = SnapshotPlan(units: units, errors: errors)
        plan.stream = reader
        return plan
    }
}

extension SnapshotUnit {
    /// The `*.json` files under `dir` and its subfolders, sorted by their path below `dir`;
    /// names starting with `.` are skipped at any depth, and symbolic links to folders are
    /// not followed. A folder that cannot be read is an error, never a silently smaller asset.
    /// On a fleet this runs once per asset.
    static func jsonFiles(under dir: String) -> Result<[String], Diagnostic> {
        var found: [String] = []
        var failure: Diagnostic?
        func visit(_ relative: String) {
            let path = relative.isEmpty ? dir : dir + "/" + relative
            switch entries(of: path, followingLinks: false) {
            case .failure(let e): failure = failure ?? e
            case .success(let list):
                for (name, isFolder) in list {
                    let rel = relative.isEmpty ? name : relative + "/" + name
                    if isFolder { visit(rel) } else if name.hasSuffix(".json") { found.append(rel) }
                }
            }
        }
        visit("")
        if let failure { return .failure(failure) }
        return .success(found.sorted().map { dir + "/" + $0 })
    }

    /// The entries of the folder `path` whose names do not start with `.`, unsorted, each
    /// with whether it is a folder. Read with `readdir`, whose entry type saves a `stat` per
    /// entry (it matters on a fleet's top folder when the disk is cold); a symbolic link
    /// counts as what it points to when `followingLinks`, otherwise as a file.
    static func entries(of path: String, followingLinks: Bool) -> Result<[(name: String, isFolder: Bool)], Diagnostic> {
        guard let d = opendir(path) else {
            let reason = String(cString: strerror(errno))
            return .failure(Diagnostic(.unreadable, "cannot list this folder: \(reason)", at: SourceLocation(file: path)))
        }
        defer { closedir(d) }
        var out: [(name: String, isFolder: Bool)] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            var type = e.pointee.d_type
            if type == UInt8(DT_UNKNOWN) || (followingLinks && type == UInt8(DT_LNK)) {
                var st = stat()
                let ok = followingLinks ? stat(path + "/" + name, &st) : lstat(path + "/" + name, &st)
                type = ok == 0 && (st.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
            }
            out.append((name, type == UInt8(DT_DIR)))
        }
        return .success(out)
    }
}
