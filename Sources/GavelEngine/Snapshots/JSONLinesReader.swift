import Foundation
import GavelCore
import GavelJSON

/// `--snapshots -`: JSON Lines read from a stream as they arrive, handed out an asset at a
/// time, so a fleet piped in is evaluated at the speed and in the memory of the folder form
/// (workers parse and evaluate one asset while the next is read) instead of being held whole.
///
/// An asset's snapshots are the consecutive lines that name it (as `collect host -o -` and
/// `cat` of asset files write them): the asset of a line is read from its `"asset"` member
/// by a scan that does not parse it. An asset whose lines come apart is two groups, and the
/// second is reported as `duplicate-asset`, as an asset in two folders is.
public final class JSONLinesReader: @unchecked Sendable {
    /// One snapshot line, as read: its bytes and its 1-based line number.
    public struct Line: Sendable {
        public var bytes: [UInt8]
        public var number: Int
    }

    private let read: (UnsafeMutableRawBufferPointer) -> Int
    private let lock = NSLock()
    /// Bytes read and not handed out are `storage[start..<end]`; `scanned` is how far past
    /// `start` is known to hold no newline.
    private var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    private var start = 0
    private var end = 0
    private var scanned = 0
    private var lineNumber = 0
    private var atEnd = false
    /// The first line of the next group, read while finding where the last one ended.
    private var lookahead: (line: Line, asset: String?)?

    /// `read` fills its buffer and returns how many bytes it put there (0 at the end).
    init(read: @escaping (UnsafeMutableRawBufferPointer) -> Int) { self.read = read }

    deinit { storage.deallocate() }

    /// Standard input, read with read(2).
    public static func readStandardInput(_ buf: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let n = Foundation.read(0, buf.baseAddress, buf.count)
            if n >= 0 { return n }
            if errno != EINTR { return 0 }
        }
    }

    /// The next asset's lines, with the asset their `"asset"` member names (nil when it could
    /// not be read without parsing), or nil at the end of the stream. Safe to call from
    /// several threads: reading is serialised, parsing is the caller's.
    func nextGroup() -> (asset: String?, lines: [Line])? {
        lock.lock()
        defer { lock.unlock() }
        var group: [Line] = []
        var asset: String?
        if let (line, a) = lookahead {
            group.append(line)
            asset = a
            lookahead = nil
        }
        while let line = nextLine() {
            let a = line.bytes.withUnsafeBytes { JSONLocator.plainString(member: "asset", in: $0) }
            // A line whose asset cannot be read without parsing is a group of its own.
            if group.isEmpty {
                group.append(line)
                asset = a
                if a == nil { break }
                continue
            }
            if a != nil && a == asset {
                group.append(line)
            } else {
                lookahead = (line, a)
                break
            }
        }
        return group.isEmpty ? nil : (asset, group)
    }

    /// The next line that is not blank, without its end of line.
    private func nextLine() -> Line? {
        while true {
            let from = start + scanned
            if from < end, let p = memchr(storage.baseAddress! + from, 0x0A, end - from) {
                let nl = storage.baseAddress!.distance(to: p)
                lineNumber += 1
                let bytes = Array(UnsafeRawBufferPointer(rebasing: storage[start..<nl]))
                start = nl + 1
                scanned = 0
                if Self.isBlank(bytes) { continue }
                return Line(bytes: bytes, number: lineNumber)
            }
            scanned = end - start
            if atEnd {
                guard start < end else { return nil }
                lineNumber += 1
                let bytes = Array(UnsafeRawBufferPointer(rebasing: storage[start..<end]))
                start = end
                scanned = 0
                return Self.isBlank(bytes) ? nil : Line(bytes: bytes, number: lineNumber)
            }
            fill()
        }
    }

    private static func isBlank(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 } }

    /// Reads more into the free end of the buffer: the bytes not handed out are moved to the
    /// front first, and the buffer doubles when a line does not fit.
    private func fill() {
        if start > 0 {
            let pending = end - start
            if pending > 0 { storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: pending) }
            start = 0
            end = pending
        }
        if end == storage.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: storage.count * 2, alignment: 16)
            bigger.baseAddress!.copyMemory(from: storage.baseAddress!, byteCount: end)
            storage.deallocate()
            storage = bigger
        }
        let n = read(UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
        if n <= 0 { atEnd = true } else { end += n }
    }
}
