@testable import Cloud
import Foundation
import Testing

@Suite struct FormDataTests {
    @Test func urlEncodedFields() throws {
        let form = try FormData(contentType: "application/x-www-form-urlencoded",
                                body: Array("token=rc_ab%2Bc&name=Ada+Lovelace&empty=&=skip".utf8))
        #expect(form.fields == ["token": "rc_ab+c", "name": "Ada Lovelace", "empty": ""])
    }

    @Test func multipartWithAFile() throws {
        let png = TestImages.png(width: 8, height: 8)
        var body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
        body += Array("--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += png + Array("\r\n--XyZ--\r\n".utf8)
        let form = try FormData(contentType: "multipart/form-data; boundary=XyZ", body: body)
        #expect(form.fields["note"] == "hello")
        #expect(form.files["photo"]?.name == "a.png")
        #expect(form.files["photo"]?.bytes == png)
    }

    @Test func malformedBodiesAreRefused() {
        #expect(throws: CloudError.self) { try FormData(contentType: "text/plain", body: []) }
        #expect(throws: CloudError.self) { try FormData(contentType: "multipart/form-data", body: []) }
        #expect(throws: CloudError.self) {
            try FormData(contentType: "multipart/form-data; boundary=b", body: Array("no delimiters".utf8))
        }
        var generator = SystemRandomNumberGenerator()
        for length in stride(from: 0, to: 2000, by: 37) {
            let bytes = Array("--b\r\n".utf8) + (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
                + Array("\r\n--b--".utf8)
            _ = try? FormData(contentType: "multipart/form-data; boundary=b", body: bytes)
        }
    }
}
