import Cloud
import Testing

/// `/metrics` says which inference kernels the cloud runs (issue 18).
@Suite struct KernelsGaugeTests {
    @Test func metricsNameTheInstructionSetAndGEMM() throws {
        let text = CloudMetrics().prometheusText()
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("rollcall_cloud_kernels_info{") })
        #expect(line.contains("gemm=\"rollcall-") || line.contains("gemm=\"openblas-"))
        #expect(line.contains("isa=\"baseline\"") || line.contains("isa=\"avx2\"") || line.contains("isa=\"avx512\""))
        #expect(line.contains("slow_path=\"true\"") || line.contains("slow_path=\"false\""))
        #expect(line.hasSuffix(" 1.0"))
        #expect(text.contains("# TYPE rollcall_cloud_kernels_info gauge"))
    }
}
