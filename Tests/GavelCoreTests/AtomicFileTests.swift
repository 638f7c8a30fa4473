import Foundation
import GavelCore
import XCTest

/// Output files: whole or not at all, private when new, the owner's mode kept when replaced,
/// and no temporary name another user could plant a link at.
final class AtomicFileTests: XCTestCase {
    var dir = ""

    override func setUp() {
        dir = NSTemporaryDirectory() + "atomic-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    private func mode(_ path: String) -> mode_t {
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        return st.st_mode & 0o7777
    }

    func testNewFileIsReadableByItsOwnerOnly() throws {
        let old = umask(0o022)
        defer { umask(old) }
        try AtomicFile.write("evidence", to: dir + "/r.json")
        XCTAssertEqual(mode(dir + "/r.json"), 0o600)
        XCTAssertEqual(try String(contentsOfFile: dir + "/r.json", encoding: .utf8), "evidence")
    }

    func testReplacedFileKeepsItsMode() throws {
        try AtomicFile.write("one", to: dir + "/r.html")
        chmod(dir + "/r.html", 0o640)
        try AtomicFile.write("two", to: dir + "/r.html")
        XCTAssertEqual(mode(dir + "/r.html"), 0o640)
        XCTAssertEqual(try String(contentsOfFile: dir + "/r.html", encoding: .utf8), "two")
    }

    func testTemporaryNameIsNotTheOldPredictableOne() throws {
        // The old name (".NAME.tmp-PID") planted as a link to a victim file: the write must
        // neither follow it nor remove it.
        let victim = dir + "/victim"
        try "keep".write(toFile: victim, atomically: false, encoding: .utf8)
        let planted = dir + "/.out.json.tmp-\(getpid())"
        XCTAssertEqual(symlink(victim, planted), 0)
        try AtomicFile.write("new", to: dir + "/out.json")
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep")
        XCTAssertEqual(try String(contentsOfFile: dir + "/out.json", encoding: .utf8), "new")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(left, [".out.json.tmp-\(getpid())", "out.json", "victim"], "no temporary file left behind")
    }

    func testFailedBodyLeavesTheOldFileAndNoTemporary() throws {
        try AtomicFile.write("old", to: dir + "/r.csv")
        struct Boom: Error {}
        XCTAssertThrowsError(
            try AtomicFile.write(to: dir + "/r.csv") { emit in
                try emit(Data("half".utf8))
                throw Boom()
            })
        XCTAssertEqual(try String(contentsOfFile: dir + "/r.csv", encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["r.csv"])
    }

    func testBareFileNameIsWrittenInTheWorkingFolder() throws {
        let cwd = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(dir)
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        try AtomicFile.write("x", to: "o")
        XCTAssertEqual(try String(contentsOfFile: dir + "/o", encoding: .utf8), "x")
    }

    func testReplacesWholeFileAndLeavesNoTemp() throws {
        let dir = NSTemporaryDirectory() + "gavel-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/out.json"
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.json"])
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir + "/missing/out.json"))
    }

    func testStreamedWritesReplaceTheFileOnlyWhenComplete() throws {
        let dir = NSTemporaryDirectory() + "gavel-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/out.json"
        try AtomicFile.write(to: path) { emit in
            for i in 0..<3 { try emit(Data("part \(i);".utf8)) }
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "part 0;part 1;part 2;")
        struct Stop: Error {}
        XCTAssertThrowsError(
            try AtomicFile.write(to: path) { emit in
                try emit(Data("half".utf8))
                throw Stop()
            })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "part 0;part 1;part 2;", "a failed write leaves the old file")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.json"], "and no temporary file")
    }
}
