import Crypto
import Foundation
import Testing
@testable import Wire

/// `GalleryUpdate` format 2: a signed expiry after a marker byte no format-1 reader mistakes for a mode; both
/// formats read; every change of the signed bytes (the expiry included) refused.
@Suite struct GalleryUpdateFormatTests {
    let key = WireSamples.signingKey
    let issued = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func formatTwoCarriesASignedExpiry() throws {
        let update = try GalleryUpdate.signed(version: 9, modelID: "dlib-resnet", issuedAt: issued,
                                              expiresAt: issued.addingTimeInterval(7 * 86_400), snapshot: Data([1, 2, 3]),
                                              key: key)
        let data = try update.encoded()
        #expect(data[WireHeader.size] == 0x82)
        let decoded = try GalleryUpdate.verified(decoding: data, publicKey: key.publicKey)
        #expect(decoded.format == 2 && decoded.version == 9)
        #expect(decoded.expiresAt == issued.addingTimeInterval(7 * 86_400))
        #expect(decoded == update)
        // Moving the expiry (bytes 4 + 1 + 1 + 8 + 8 + 1 + 11 + 8 …) breaks the signature.
        let expiryOffset = WireHeader.size + 2 + 16 + 1 + "dlib-resnet".utf8.count + 8
        var later = data
        later[expiryOffset + 6] ^= 0x01
        #expect(throws: WireError.self) { try GalleryUpdate.verified(decoding: later, publicKey: key.publicKey) }
        var accepted = 0
        for index in 0 ..< data.count {
            var mutated = data
            mutated[index] ^= 0x40
            if (try? GalleryUpdate.verified(decoding: mutated, publicKey: key.publicKey)) != nil { accepted += 1 }
        }
        #expect(accepted == 0)
    }

    @Test func formatOneStillReadsAndResignsAsFormatTwo() throws {
        let legacy = try GalleryUpdate.signed(version: 3, modelID: "m", issuedAt: issued, snapshot: Data([7]), key: key)
        let data = try legacy.encoded()
        #expect(data[WireHeader.size] == 0)   // the mode byte, as before
        let decoded = try GalleryUpdate.verified(decoding: data, publicKey: key.publicKey)
        #expect(decoded.format == 1 && decoded.expiresAt == nil)
        let renewed = try decoded.resigned(issuedAt: issued.addingTimeInterval(60),
                                           expiresAt: issued.addingTimeInterval(86_400), key: key)
        let again = try GalleryUpdate.verified(decoding: try renewed.encoded(), publicKey: key.publicKey)
        #expect(again.format == 2 && again.version == 3 && again.snapshot == Data([7]))
    }

    @Test func badExpiriesAndFormatsAreRefused() throws {
        for validity: TimeInterval in [0, -1, 401 * 86_400] {
            #expect(throws: WireError.self) {
                try GalleryUpdate.signed(version: 1, modelID: "m", issuedAt: issued,
                                         expiresAt: issued.addingTimeInterval(validity), snapshot: Data(), key: key)
            }
        }
        let data = try GalleryUpdate.signed(version: 1, modelID: "m", issuedAt: issued,
                                            expiresAt: issued.addingTimeInterval(60), snapshot: Data(), key: key).encoded()
        var format3 = data
        format3[WireHeader.size] = 0x83
        do {
            _ = try GalleryUpdate(decoding: format3)
            Issue.record("format 3 accepted")
        } catch let error as WireError {
            #expect(error.field == "gallery.format")
        }
    }
}
