// The one strict YAML reader: keys checked before values, errors that name the key path and its line.
import ConfigFile
import Testing

@Suite struct YAMLSectionTests {
    static let document = """
        name: door
        limits:
          rate: 15
          ratio: 0.5
          on: yes
        cameras:
          - id: a
          - id: b
            rate: 3
        empty: ~
        """

    /// The error `body` throws (nil when it throws none, or another kind).
    func error(_ body: () throws -> Void) -> ConfigurationError? {
        do {
            try body()
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func readsTypedValuesWithDefaults() throws {
        let top = try YAMLSection(document: Self.document, allowed: ["name", "limits", "cameras", "empty"])
        #expect(try top.string("name") == "door")
        let limits = try top.section("limits", allowed: ["rate", "ratio", "on"])
        #expect(try limits.int("rate", default: 1, in: 1 ... 60) == 15)
        #expect(try limits.double("ratio", default: 1, in: 0 ... 1) == 0.5)
        #expect(try limits.bool("on", default: false))
        #expect(try limits.int("absent", default: 7, in: 0 ... 9) == 7)
        // A null value reads as absent; an absent section as an empty one.
        #expect(!top.has("empty"))
        #expect(try top.string("empty", default: "fallback") == "fallback")
        #expect(try top.section("empty", allowed: []).has("anything") == false)
        let cameras = try top.sections("cameras", allowed: ["id", "rate"])
        #expect(cameras.map(\.path) == ["cameras[0]", "cameras[1]"])
        #expect(try cameras.map { try $0.string("id") } == ["a", "b"])
        // An empty document is an empty mapping (every key takes its default).
        #expect(try YAMLSection(document: "", allowed: []).has("x") == false)
    }

    @Test func errorsNameTheKeyPathAndTheLine() throws {
        let top = try YAMLSection(document: Self.document, allowed: ["name", "limits", "cameras", "empty"])
        let unknown = error { _ = try top.section("limits", allowed: ["rate", "ratio"]) }
        #expect(unknown?.code == .unknownKey && unknown?.keyPath == "limits.on" && unknown?.line == 5)
        let range = error { _ = try top.section("limits", allowed: ["rate", "ratio", "on"]).int("rate", in: 1 ... 10) }
        #expect(range?.code == .outOfRange && range?.keyPath == "limits.rate" && range?.line == 3)
        #expect(range?.description == "limits.rate: must be 1...10 (got 15) (line 3)")
        let cameras = try top.sections("cameras", allowed: ["id", "rate"])
        let nested = error { _ = try cameras[1].int("rate", in: 5 ... 10) }
        #expect(nested?.keyPath == "cameras[1].rate" && nested?.line == 9)
        let missing = error { _ = try cameras[0].int("rate", in: 5 ... 10) }
        #expect(missing?.code == .missing && missing?.keyPath == "cameras[0].rate")
        let type = error { _ = try top.double("name", in: 0 ... 1) }
        #expect(type?.code == .wrongType && type?.keyPath == "name")
        #expect(error { _ = try top.section("name", allowed: []) }?.code == .wrongType)
        #expect(error { _ = try top.list("name") }?.code == .wrongType)
        #expect(error { _ = try top.list("absent", required: true) }?.code == .missing)
    }

    @Test func duplicateRetiredAndMalformedDocumentsAreRefused() {
        let duplicate = error { _ = try YAMLSection(document: "a: 1\nb: 2\na: 3\n", allowed: ["a", "b"]) }
        #expect(duplicate?.code == .duplicateKey && duplicate?.keyPath == "a" && duplicate?.line == 3)
        let retired = error {
            _ = try YAMLSection(document: "old: 1\n", allowed: ["new"], retired: ["old": "use new instead"])
        }
        #expect(retired?.code == .retiredKey && retired?.detail == "use new instead" && retired?.line == 1)
        #expect(error { _ = try YAMLSection(document: "a: [unclosed", allowed: ["a"]) }?.code == .syntax)
        #expect(error { _ = try YAMLSection(document: "- a\n- b\n", allowed: []) }?.code == .wrongType)
        #expect(error { _ = try YAMLSection(document: "? [1, 2]\n: x\n", allowed: []) }?.code == .wrongType)
    }

    @Test func identifiersAndChoicesAreChecked() throws {
        enum Mode: String, CaseIterable { case fast, slow }
        let top = try YAMLSection(document: "id: gate_A-1\nbad: a/b\nmode: slow\nother: medium\n",
                                  allowed: ["id", "bad", "mode", "other"])
        #expect(try top.identifier("id") == "gate_A-1")
        #expect(error { _ = try top.identifier("bad") }?.code == .outOfRange)
        #expect(try top.choice("mode", default: Mode.fast) == .slow)
        let choice = error { _ = try top.choice("other", default: Mode.fast) }
        #expect(choice?.code == .outOfRange && choice?.detail.contains("fast, slow") == true)
    }
}
