import Foundation
import SwiftASN1
import X509

/// A certificate chain and its private key, read from PEM and checked for one host: what the
/// config's validation and the proxy's reload both require, so a file the config refuses is a
/// file the proxy refuses to load in place of a working one.
package struct CertificatePair: Sendable {
    /// The PEM text as read: what the proxy hands to its TLS library (the bytes that were checked).
    package let chainPEM: [UInt8]
    package let keyPEM: [UInt8]
    package let leaf: Certificate

    /// Reads and checks `cert` and `key` for `host` at `now` (nil: whenever, validity not checked).
    package static func load(cert: String, key: String, host: String, now: Date? = Date()) throws(CertificateProblem) -> CertificatePair {
        let chain = try read(cert, .cert, "certificate")
        let key = try read(key, .key, "private key")
        return try check(chainPEM: chain, keyPEM: key, host: host, now: now)
    }

    /// Checks PEM text: a chain whose first certificate is the leaf, a private key matching it,
    /// valid at `now` (nil: not checked), naming `host` (SAN DNS names; the subject's CN only when
    /// there is no SAN).
    package static func check(chainPEM: [UInt8], keyPEM: [UInt8], host: String, now: Date? = Date()) throws(CertificateProblem)
        -> CertificatePair {
        let leaf: Certificate
        do {
            let documents = try PEMDocument.parseMultiple(pemString: String(decoding: chainPEM, as: UTF8.self))
            guard let first = documents.first(where: { $0.discriminator == "CERTIFICATE" }) else {
                throw CertificateProblem(.notPEM, in: .cert, "holds no PEM CERTIFICATE block")
            }
            leaf = try Certificate(pemDocument: first)
        } catch let problem as CertificateProblem {
            throw problem
        } catch {
            throw CertificateProblem(.notPEM, in: .cert, "is not a PEM certificate (its CERTIFICATE block does not parse)")
        }
        let privateKey: Certificate.PrivateKey
        do {
            privateKey = try Certificate.PrivateKey(pemEncoded: String(decoding: keyPEM, as: UTF8.self))
        } catch {
            throw CertificateProblem(.notPEM, in: .key, "is not a PEM private key (PKCS#8, EC or RSA)")
        }
        if let now, now < leaf.notValidBefore {
            throw CertificateProblem(.notYetValid, in: .cert, "is not valid before \(leaf.notValidBefore.ISO8601Format())")
        }
        if let now, now > leaf.notValidAfter {
            throw CertificateProblem(.expired, in: .cert, "expired on \(leaf.notValidAfter.ISO8601Format())")
        }
        guard privateKey.publicKey == leaf.publicKey else {
            throw CertificateProblem(.keyMismatch, in: .key, "does not match the certificate's public key")
        }
        let names = Self.names(of: leaf)
        guard names.contains(where: { HostNames.matches($0, host) }) else {
            let listed = names.isEmpty ? "no DNS name" : names.joined(separator: ", ")
            throw CertificateProblem(.hostNotCovered, in: .cert, "does not cover \(host) (it names \(listed))")
        }
        return CertificatePair(chainPEM: chainPEM, keyPEM: keyPEM, leaf: leaf)
    }

    /// The DNS names a client checks: the SAN's, or the subject's common name when there is no SAN
    /// (as TLS clients did before RFC 6125).
    package static func names(of certificate: Certificate) -> [String] {
        let alternative = ((try? certificate.extensions.subjectAlternativeNames) ?? nil).map { names in
            names.compactMap { name -> String? in
                if case .dnsName(let dns) = name { return dns }
                return nil
            }
        }
        if let alternative, !alternative.isEmpty { return alternative }
        var common: [String] = []
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let text = String(attribute.value) { common.append(text) }
            }
        }
        return common
    }

    private static func read(_ path: String, _ file: CertificateProblem.File, _ what: String) throws(CertificateProblem) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CertificateProblem(.unreadable, in: file, "no file \(path) (\(what))")
        }
        guard !isDirectory.boolValue else {
            throw CertificateProblem(.unreadable, in: file, "\(path) is a directory, not a PEM file (\(what))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CertificateProblem(.unreadable, in: file, "cannot read \(path) (\(what))")
        }
        return Array(data)
    }
}
