import Foundation
import GavelCore
import XCTest

final class AtomicFolderTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "gavel-folder-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func leftovers() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") } }

    func testWritesTheFolderWithItsSubfolders() throws {
        try AtomicFolder.write(to: dir + "/out", replaceable: { _ in false }) { file in
            try file("index.html", Array("i".utf8))
            try file("a/b/c.html", Array("c".utf8))
        }
        XCTAssertEqual(AtomicFolder.files(under: dir + "/out").sorted(), ["a/b/c.html", "index.html"])
        XCTAssertEqual(try String(contentsOfFile: dir + "/out/a/b/c.html", encoding: .utf8), "c")
        XCTAssertEqual(try leftovers(), [])
    }

    func testAPathOutsideTheFolderIsRefusedAndNothingIsLeft() throws {
        for bad in ["../escape.html", "/etc/x", "a/../../x", "", "./x"] {
            XCTAssertThrowsError(try AtomicFolder.write(to: dir + "/out", replaceable: { _ in false }) { file in try file(bad, [1]) }, bad)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/escape.html"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out"))
        XCTAssertEqual(try leftovers(), [])
    }

    func testAFailureLeavesTheOldFolderAsItWas() throws {
        try AtomicFolder.write(to: dir + "/out", replaceable: { _ in false }) { file in try file("old.html", Array("old".utf8)) }
        struct Stop: Error {}
        XCTAssertThrowsError(
            try AtomicFolder.write(to: dir + "/out", replaceable: { _ in true }) { file in
                try file("new.html", [1])
                throw Stop()
            })
        XCTAssertEqual(AtomicFolder.files(under: dir + "/out"), ["old.html"])
        XCTAssertEqual(try leftovers(), [])
        // Replaced whole when allowed; refused (and untouched) when not.
        try AtomicFolder.write(to: dir + "/out", replaceable: { _ in true }) { file in try file("new.html", [1]) }
        XCTAssertEqual(AtomicFolder.files(under: dir + "/out"), ["new.html"])
        XCTAssertThrowsError(try AtomicFolder.write(to: dir + "/out", replaceable: { _ in false }) { file in try file("x.html", [1]) })
        XCTAssertEqual(AtomicFolder.files(under: dir + "/out"), ["new.html"])
        XCTAssertEqual(try leftovers(), [])
    }
}
