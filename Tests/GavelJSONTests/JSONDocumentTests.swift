import Dispatch
import GavelCore
import XCTest

@testable import GavelJSON

final class JSONDocumentTests: XCTestCase {
    func testLookupAndConversion() throws {
        let doc = try JSONDocument.parse(#"{"a": {"b": [1, 2.5, "x", true, null]}, "k.e y": 3}"#)
        let b = doc.rootNode.member("a")?.member(JSONKey("b"))
        XCTAssertEqual(b?.type, .array)
        XCTAssertEqual(b?.count, 5)
        XCTAssertEqual(b?.element(0)?.integer, 1)
        XCTAssertEqual(b?.element(1)?.real, 2.5)
        XCTAssertEqual(b?.element(2)?.string, "x")
        XCTAssertEqual(b?.element(3)?.bool, true)
        XCTAssertEqual(b?.element(4)?.type, .null)
        XCTAssertNil(b?.element(5))
        XCTAssertNil(b?.member("a"))
        XCTAssertEqual(doc.rootNode.member("k.e y")?.integer, 3)
        XCTAssertEqual(doc.rootNode.keys, ["a", "k.e y"])
        withExtendedLifetime(doc) {}
    }

    func testErrorCarriesLineAndColumn() {
        XCTAssertThrowsError(try JSONDocument.parse("{\n  \"a\": 1,\n  \"b\": ]\n}")) { error in
            let e = error as! JSONDocument.ParseError
            XCTAssertEqual(e.line, 3)
            XCTAssertEqual(e.column, 8)
        }
    }

    func testDuplicateKeysRejected() {
        XCTAssertThrowsError(try JSONDocument.parse(#"{"a": 1, "a": 2}"#))
    }

    func testBuilderRoundTrip() {
        let v: Value = .object([("s", "é\u{0}x"), ("n", .int(-4)), ("d", .double(0.25)), ("l", .array([true, .null]))])
        XCTAssertEqual(JSONDocument.from(v).toValue(), v)
    }

    func testStringsWithNulBytesKeepTheirLength() throws {
        let doc = try JSONDocument.parse(#"{"s": "a\u0000b"}"#)
        XCTAssertEqual(doc.withRoot { $0.member("s")?.string?.utf8.count }, 3)
    }
}

extension JSONDocumentTests {
    /// Parsed documents live in per-thread arenas: documents parsed at the same time on
    /// several threads, errors in between, and trees built from Swift values (which use
    /// malloc and json_decref) must all stay intact and independent.
    func testArenasAreIndependentAcrossThreadsAndOutliveTheParse() throws {
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 400)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 400) { i in
            let text =
                #"{"i": \#(i), "s": "\#(String(repeating: "x", count: i % 97))", "a": [\#((0..<(i % 30)).map(String.init).joined(separator: ","))], "o": {"k\#(i)": {"deep": [true, null, 1.5]}}}"#
            let doc = try? JSONDocument.parse(text)
            _ = try? JSONDocument.parse("{\"broken\": [1, 2,")  // an error mid-parse frees nothing it should keep
            let built = JSONDocument.from(.object([("n", .int(Int64(i)))]))  // malloc-backed, freed with json_decref
            let v = doc?.toValue()
            results[i] =
                v?["i"] == .int(Int64(i)) && v?["s"]?.stringValue?.count == i % 97
                && v?["a"]?.arrayValue?.count == i % 30 && v?["o"]?["k\(i)"]?["deep"]?.arrayValue?.count == 3
                && built.toValue()["n"] == .int(Int64(i))
        }
        XCTAssertTrue(results.allSatisfy { $0 })
    }
}

extension JSONDocumentTests {
    /// Dropped documents give their chunks back to a pool and later parses reuse them: a
    /// document still alive must never share memory with one parsed after others were
    /// dropped, and an allocation larger than a chunk (a 600 KB string) gets its own.
    func testRecycledChunksDoNotDisturbLiveDocuments() throws {
        var alive: [(Int, JSONDocument)] = []
        for i in 0..<120 {
            let big = i % 40 == 7 ? String(repeating: "y", count: 600_000) : ""
            let items = (0..<(i * 37 % 3000)).map { "\"item-\(i)-\($0)\"" }.joined(separator: ",")
            let doc = try JSONDocument.parse(#"{"i": \#(i), "big": "\#(big)", "items": [\#(items)]}"#)
            if i % 3 == 0 { alive.append((i, doc)) }  // the others are dropped at once
        }
        for (i, doc) in alive {
            let v = doc.toValue()
            XCTAssertEqual(v["i"], .int(Int64(i)))
            XCTAssertEqual(v["big"]?.stringValue?.count, i % 40 == 7 ? 600_000 : 0)
            let items = v["items"]?.arrayValue ?? []
            XCTAssertEqual(items.count, i * 37 % 3000)
            XCTAssertEqual(items.last?.stringValue, items.isEmpty ? nil : "item-\(i)-\(items.count - 1)")
        }
    }
}

extension JSONDocumentTests {
    /// Every node, key and string of a parsed document comes from its arena (the allocator's
    /// fast path is C, in CJansson's shim): memory from malloc would leak, as a parsed tree is
    /// dropped with its arena and never freed node by node. A tree built from Swift values
    /// has no arena and is freed by jansson.
    func testAParsedDocumentsMemoryComesFromItsArena() throws {
        let items = (0..<5000).map { "{\"k\($0)\": \"value \($0)\"}" }.joined(separator: ",")
        let doc = try JSONDocument.parse("{\"items\": [\(items)], \"big\": \"\(String(repeating: "z", count: 400_000))\"}")
        let arena = try XCTUnwrap(doc.arena)
        XCTAssertTrue(arena.holds(UnsafeRawPointer(doc.root)))
        let list = try XCTUnwrap(doc.rootNode.member("items"))
        for i in [0, 2500, 4999] {
            let item = try XCTUnwrap(list.element(i))
            XCTAssertTrue(arena.holds(UnsafeRawPointer(item.ptr)), "item \(i)")
            let bytes = try XCTUnwrap(item.member("k\(i)")?.stringBytes)
            XCTAssertTrue(arena.holds(UnsafeRawPointer(bytes.baseAddress!)), "string of item \(i)")
        }
        let big = try XCTUnwrap(doc.rootNode.member("big")?.stringBytes)  // larger than a chunk
        XCTAssertTrue(arena.holds(UnsafeRawPointer(big.baseAddress!)))
        XCTAssertNil(JSONDocument.from(.object([("n", .int(1))])).arena)
    }
}
