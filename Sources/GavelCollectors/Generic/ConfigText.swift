import GavelCore

extension FileBytes {
    /// A configuration file as UTF-8 text (a byte order mark skipped); a collector error
    /// naming the file as the machine names it (`shown`) when it cannot be read.
    static func text(_ real: String, shown: String) throws -> String {
        let bytes: [UInt8]
        do { bytes = try FileBytes.contents(real) } catch {
            throw Diagnostic(.configRead, "cannot read \(shown): \(error)")
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        guard let text = String(validating: body, as: UTF8.self) else {
            throw Diagnostic(.configRead, "\(shown) is not UTF-8 text")
        }
        return text
    }
}
