import ArgumentParser
import Foundation
import GavelCore

/// What a command reads, so that what it writes never replaces an input, or lands where the
/// next run would read it as one (a report written into the snapshot folder, say).
/// `gavel eval --snapshots S -o S/site/php.json` used to replace the snapshot with the report.
struct InputPaths {
    /// Files read as given (a results document, a baseline, a snapshot file).
    var files: [String] = []
    /// Folders read, with the file endings read from them.
    var folders: [(path: String, endings: [String])] = []

    static let policyEndings = [".yaml", ".yml", ".json"]
    static let snapshotEndings = [".json"]

    /// A folder, or a single file, given as the policy set or the snapshots.
    mutating func add(_ path: String, reading endings: [String]) {
        guard path != "-" else { return }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return }
        if isDir.boolValue { folders.append((path, endings)) } else { files.append(path) }
    }

    /// Throws a usage error when `output` (given as `option`) is one of the inputs, or would
    /// be read as one.
    func check(_ output: String?, _ option: String) throws {
        guard let output else { return }
        try InputPaths.checkWritable(output, option)
        let target = InputPaths.resolved(output)
        for f in files where InputPaths.resolved(f) == target {
            throw ValidationError("\(option) \(output) is an input of this command; writing it would replace it. Choose another file.")
        }
        for d in folders {
            let root = InputPaths.resolved(d.path)
            guard target.hasPrefix(root == "/" ? "/" : root + "/"), d.endings.contains(where: { target.hasSuffix($0) }) else { continue }
            throw ValidationError(
                "\(option) \(output) is inside \(d.path), which this command reads; a file there would be read as an input (or replace one). Choose a file elsewhere."
            )
        }
    }

    /// Throws a usage error when the folder `output` (given as `option`, a folder the command
    /// writes whole) is one of the inputs or holds one: writing it replaces what was there.
    func checkFolder(_ output: String, _ option: String) throws {
        let folder = PathNames.folder(of: output)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(option) \(output): the folder \(folder) does not exist")
        }
        let target = InputPaths.resolved(output)
        for f in files + folders.map(\.path) {
            let input = InputPaths.resolved(f)
            if input == target || input.hasPrefix(target == "/" ? "/" : target + "/") {
                throw ValidationError("\(option) \(output) holds \(f), which this command reads; writing the folder would replace it. Choose another folder.")
            }
        }
    }

    /// A path that names a folder, or a file in a folder that does not exist, is refused
    /// before any work: a nightly run over a fleet would otherwise evaluate everything and
    /// only then find it cannot write the report.
    static func checkWritable(_ output: String, _ option: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDir), isDir.boolValue {
            throw ValidationError("\(option) \(output) is a folder; give the name of a file to write")
        }
        let folder = PathNames.folder(of: output)
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("\(option) \(output): the folder \(folder) does not exist")
        }
    }

    /// The path with links resolved; for a file that does not exist yet, its folder's.
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path) { return url.resolvingSymlinksInPath().standardizedFileURL.path }
        let folder = URL(fileURLWithPath: PathNames.folder(of: path)).resolvingSymlinksInPath().standardizedFileURL.path
        return PathNames.join(folder, PathNames.lastComponent(of: path))
    }
}

/// `--snapshots` given the same input twice would load every asset in it twice (each a
/// `duplicate-asset` error naming the same file twice): a usage error instead.
func validateSnapshotInputs(_ inputs: [String]) throws {
    var seen = Set<String>()
    for input in inputs {
        let key = input == "-" ? "-" : URL(fileURLWithPath: input).standardizedFileURL.path
        guard seen.insert(key).inserted else {
            throw ValidationError("--snapshots \(input) is given twice")
        }
    }
}
