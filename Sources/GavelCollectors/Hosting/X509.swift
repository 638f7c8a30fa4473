import Foundation
import GavelCore
import SwiftASN1
import X509

/// Reads the facts a policy needs from an X.509 certificate (DER, or PEM blocks): subject,
/// issuer, validity, key type and size, signature algorithm, names, and whether it signed
/// itself. It never touches private keys (a PEM file that holds one is only flagged).
///
/// swift-certificates parses the certificate and supplies the names, the subject
/// alternative names and the signature check. It accepts RSA, P-256/384/521 and Ed25519
/// keys; for any other (RSA-PSS, brainpool, DSA, Ed448) the small DER walker below reads the
/// same fields, and whether the certificate signed itself is left unknown. The walker also
/// reads the key's type and size in every case.
struct X509Certificate {
    var subject: String
    var issuer: String
    var notBefore: Date
    var notAfter: Date
    var keyType: String
    var keyBits: Int?
    var curve: String?
    var signatureAlgorithm: String
    var serial: String
    var dnsNames: [String]
    var ipAddresses: [String]
    /// The subject and issuer names are equal.
    var selfIssued: Bool
    /// Self-issued and signed by its own key; nil when the key or signature type cannot be
    /// checked here.
    var selfSigned: Bool?
    var sha256: String

    struct Malformed: Error { var what: String }

    static let pemBlocks = ["CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"]

    /// Every certificate block of a PEM file (or the file itself when it is DER), and whether
    /// the file also holds a private key. A `TRUSTED CERTIFICATE` block (OpenSSL's, the
    /// certificate followed by its trust settings) is read for the certificate.
    static func load(_ bytes: [UInt8]) throws -> (certificates: [X509Certificate], holdsPrivateKey: Bool) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("-----BEGIN ") else { return ([try parse(bytes)], false) }
        var certs: [X509Certificate] = []
        var rest = Substring(text)
        while let begin = rest.range(of: "-----BEGIN "), let close = rest.range(of: "-----", range: begin.upperBound..<rest.endIndex) {
            let label = String(rest[begin.upperBound..<close.lowerBound])
            let endLine = "-----END \(label)-----"
            guard let end = rest.range(of: endLine, range: close.upperBound..<rest.endIndex) else {
                throw Malformed(what: "a \(label) block has no END line")
            }
            defer { rest = rest[end.upperBound...] }
            guard pemBlocks.contains(label) else { continue }
            guard let der = Data(base64Encoded: String(rest[close.upperBound..<end.lowerBound]), options: .ignoreUnknownCharacters) else {
                throw Malformed(what: "a \(label) block is not base64")
            }
            certs.append(try parse([UInt8](der)))
        }
        return (certs, text.contains("PRIVATE KEY-----"))
    }

    static func parse(_ input: [UInt8]) throws -> X509Certificate {
        // The certificate is the first DER element; what follows (OpenSSL's trust settings
        // in a TRUSTED CERTIFICATE) is not part of it.
        var outer = DERReader(input[...])
        let der = try outer.elementBytes()
        var top = DERReader(der)
        var cert = try top.enter(0x30, "Certificate")
        var tbs = try cert.enter(0x30, "TBSCertificate")
        if tbs.peek == 0xA0 { _ = try tbs.element() }
        let serial = try tbs.element(0x02, "serialNumber")
        _ = try tbs.element(0x30, "signature")
        let issuerDER = try tbs.element(0x30, "issuer")
        var validity = try tbs.enter(0x30, "validity")
        let notBefore = try time(validity.tagged())
        let notAfter = try time(validity.tagged())
        let subjectDER = try tbs.element(0x30, "subject")
        let spki = try tbs.element(0x30, "subjectPublicKeyInfo")
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        while !tbs.atEnd {
            let (tag, content) = try tbs.tagged()
            guard tag == 0xA3 else { continue }
            var wrapper = DERReader(content)
            var exts = try wrapper.enter(0x30, "extensions")
            while !exts.atEnd {
                var ext = try exts.enter(0x30, "extension")
                let id = try oid(ext.element(0x06, "extnID"))
                if ext.peek == 0x01 { _ = try ext.element() }
                let value = try ext.element(0x04, "extnValue")
                guard id == "2.5.29.17" else { continue }
                var v = DERReader(value)
                var names = try v.enter(0x30, "subjectAltName")
                while !names.atEnd {
                    let (t, c) = try names.tagged()
                    if t == 0x82 { dnsNames.append(String(decoding: c, as: UTF8.self)) }
                    if t == 0x87, let ip = ipAddress(Array(c)) { ipAddresses.append(ip) }
                }
            }
        }
        var sigAlg = try cert.enter(0x30, "signatureAlgorithm")
        let sigOID = try oid(sigAlg.element(0x06, "algorithm"))
        let key = try publicKey(spki)

        var subject = try DistinguishedNames.rfc4514(subjectDER)
        var issuer = try DistinguishedNames.rfc4514(issuerDER)
        var selfSigned: Bool?
        let selfIssued = Array(subjectDER) == Array(issuerDER) || subject == issuer
        if let parsed = try? Certificate(derEncoded: Array(der)) {
            subject = DistinguishedNames.rfc4514(parsed.subject)
            issuer = DistinguishedNames.rfc4514(parsed.issuer)
            if let san = try? parsed.extensions.subjectAlternativeNames {
                dnsNames = san.compactMap {
                    if case .dnsName(let n) = $0 { return n }; return nil
                }
                ipAddresses = san.compactMap {
                    if case .ipAddress(let o) = $0 { return ipAddress(Array(o.bytes)) }; return nil
                }
            }
            selfSigned = parsed.subject == parsed.issuer && parsed.publicKey.isValidSignature(parsed.signature, for: parsed)
        }
        return X509Certificate(
            subject: subject, issuer: issuer, notBefore: notBefore, notAfter: notAfter, keyType: key.type,
            keyBits: key.bits, curve: key.curve, signatureAlgorithm: signatureNames[sigOID] ?? sigOID,
            serial: serial.map { String(format: "%02X", $0) }.joined(), dnsNames: dnsNames,
            ipAddresses: ipAddresses, selfIssued: selfIssued, selfSigned: selfSigned, sha256: SHA256.hex(Array(der)))
    }

    /// The key's type, size in bits and curve, from its SubjectPublicKeyInfo.
    static func publicKey(_ spki: ArraySlice<UInt8>) throws -> (type: String, bits: Int?, curve: String?) {
        var info = DERReader(spki)
        var alg = try info.enter(0x30, "algorithm")
        let keyOID = try oid(alg.element(0x06, "algorithm"))
        let params = alg.atEnd ? nil : try alg.tagged()
        let keyBits = try info.element(0x03, "subjectPublicKey").dropFirst()  // the unused-bits byte
        func integerBits(_ c: ArraySlice<UInt8>) -> Int {
            let v = c.drop { $0 == 0 }
            return v.isEmpty ? 0 : (v.count - 1) * 8 + (8 - v.first!.leadingZeroBitCount)
        }
        switch keyOID {
        case "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10":  // rsaEncryption, RSASSA-PSS
            var key = DERReader(keyBits)
            var seq = try key.enter(0x30, "RSAPublicKey")
            return (keyOID.hasSuffix(".10") ? "RSA-PSS" : "RSA", integerBits(try seq.element(0x02, "modulus")), nil)
        case "1.2.840.10045.2.1":  // id-ecPublicKey: the curve is the parameter
            guard let params, params.0 == 0x06, let c = try? oid(params.1) else { return ("EC", nil, nil) }
            return ("EC", curves[c]?.1, curves[c]?.0 ?? c)
        case "1.2.840.10040.4.1":  // DSA: the size of p
            guard let params, params.0 == 0x30 else { return ("DSA", nil, nil) }
            var p = DERReader(params.1)
            return ("DSA", (try? p.element(0x02, "p")).map(integerBits), nil)
        case "1.3.101.112": return ("Ed25519", 256, nil)
        case "1.3.101.113": return ("Ed448", 456, nil)
        default: return (keyOID, nil, nil)
        }
    }

    /// An iPAddress name: four or sixteen bytes (RFC 5280), written as `inet_ntop` does.
    static func ipAddress(_ b: [UInt8]) -> String? {
        var out = [CChar](repeating: 0, count: 64)
        switch b.count {
        case 4: return b.map(String.init).joined(separator: ".")
        case 16:
            guard b.withUnsafeBytes({ inet_ntop(AF_INET6, $0.baseAddress, &out, socklen_t(out.count)) }) != nil else { return nil }
            return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        default: return nil
        }
    }

    private static let curves: [String: (String, Int)] = [
        "1.2.840.10045.3.1.7": ("prime256v1", 256), "1.3.132.0.34": ("secp384r1", 384), "1.3.132.0.35": ("secp521r1", 521),
        "1.3.132.0.10": ("secp256k1", 256), "1.3.132.0.33": ("secp224r1", 224), "1.2.840.10045.3.1.1": ("prime192v1", 192),
        "1.3.36.3.3.2.8.1.1.7": ("brainpoolP256r1", 256), "1.3.36.3.3.2.8.1.1.11": ("brainpoolP384r1", 384),
        "1.3.36.3.3.2.8.1.1.13": ("brainpoolP512r1", 512),
    ]
    private static let signatureNames = [
        "1.2.840.113549.1.1.4": "md5WithRSAEncryption", "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10": "rsassaPss", "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12": "sha384WithRSAEncryption", "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
        "1.2.840.10045.4.1": "ecdsa-with-SHA1", "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3": "ecdsa-with-SHA384", "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
        "1.3.101.112": "ED25519", "1.3.101.113": "ED448", "2.16.840.1.101.3.4.3.2": "dsa_with_SHA256",
    ]

    static func oid(_ c: ArraySlice<UInt8>) throws -> String {
        guard let first = c.first else { throw Malformed(what: "empty OID") }
        var parts = [Int(first) / 40, Int(first) % 40]
        var v = 0
        for b in c.dropFirst() {
            guard v < Int.max >> 8 else { throw Malformed(what: "OID component too large") }
            v = v << 7 | Int(b & 0x7F)
            if b & 0x80 == 0 { parts.append(v); v = 0 }
        }
        return parts.map(String.init).joined(separator: ".")
    }

    /// UTCTime (`YYMMDDHHMMSSZ`, 50-99 are 19xx) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
    static func time(_ t: (UInt8, ArraySlice<UInt8>)) throws -> Date {
        let s = String(decoding: t.1, as: UTF8.self)
        var full = s
        if t.0 == 0x17 || s.count == 13 {
            full = ((Int(s.prefix(2)) ?? 0) >= 50 ? "19" : "20") + s
        }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMddHHmmss'Z'"
        guard let d = f.date(from: full) else { throw Malformed(what: "bad time \(s)") }
        return d
    }
}

/// A cursor over DER: tag, definite length, content.
struct DERReader {
    private var bytes: ArraySlice<UInt8>
    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { bytes.isEmpty }
    var peek: UInt8? { bytes.first }

    /// The next element whole (tag, length and content).
    mutating func elementBytes() throws -> ArraySlice<UInt8> {
        let before = bytes
        _ = try tagged()
        return before[before.startIndex..<bytes.startIndex]
    }

    mutating func tagged() throws -> (UInt8, ArraySlice<UInt8>) {
        guard bytes.count >= 2 else { throw X509Certificate.Malformed(what: "truncated DER") }
        let tag = bytes[bytes.startIndex]
        var i = bytes.startIndex + 1
        var length = Int(bytes[i])
        i += 1
        if length & 0x80 != 0 {
            let n = length & 0x7F
            guard n >= 1 && n <= 4 && i + n <= bytes.endIndex else { throw X509Certificate.Malformed(what: "bad DER length") }
            length = 0
            for _ in 0..<n { length = length << 8 | Int(bytes[i]); i += 1 }
        }
        guard length <= bytes.endIndex - i else { throw X509Certificate.Malformed(what: "DER length past the end") }
        let content = bytes[i..<(i + length)]
        bytes = bytes[(i + length)...]
        return (tag, content)
    }

    mutating func element(_ tag: UInt8? = nil, _ what: String = "element") throws -> ArraySlice<UInt8> {
        let (t, c) = try tagged()
        if let tag, t != tag { throw X509Certificate.Malformed(what: "expected \(what)") }
        return c
    }

    mutating func enter(_ tag: UInt8, _ what: String) throws -> DERReader { DERReader(try element(tag, what)) }
}
