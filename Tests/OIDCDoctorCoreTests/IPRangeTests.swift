import Testing
@testable import OIDCDoctorCore

/// `IpAddress` values and `--source-ip`: the address forms IAM's CIDR format allows, and no others.
@Suite struct IPRangeTests {
    @Test(arguments: ["203.0.113.7", "0.0.0.0", "::", "::1", "1:2:3:4:5:6:7:8", "2001:DB8::", "::ffff:203.0.113.7", "fe80::1:2"])
    func addressesAreRead(_ text: String) {
        #expect(RequestParameters.isIPAddress(text))
    }

    @Test(arguments: ["", "203.0.113", "203.0.113.256", "203.0.113.07.1", "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "12345::", "fe80::1%eth0",
                      "2001:db8::g", " 203.0.113.7", "203.0.113.7/24", "１.２.３.４"])
    func otherTextIsNotAnAddress(_ text: String) {
        #expect(!RequestParameters.isIPAddress(text))
    }

    @Test func prefixesBoundTheRange() {
        #expect(IPRange("203.0.113.0/24")?.contains("203.0.113.255") == true)
        #expect(IPRange("203.0.113.0/24")?.contains("203.0.114.0") == false)
        #expect(IPRange("203.0.113.128/25")?.contains("203.0.113.127") == false)
        #expect(IPRange("0.0.0.0/0")?.contains("198.51.100.1") == true)
        #expect(IPRange("0.0.0.0/0")?.contains("::1") == false, "an IPv6 address is not in an IPv4 range")
        #expect(IPRange("2001:db8::/32")?.contains("2001:db8:ffff::1") == true)
        #expect(IPRange("2001:db8::/33")?.contains("2001:db8:8000::1") == false)
        #expect(IPRange("::/0")?.contains("2001:db8::1") == true)
        #expect(IPRange("203.0.113.0/33") == nil)
        #expect(IPRange("2001:db8::/129") == nil)
        #expect(IPRange("203.0.113.0/") == nil)
        #expect(IPRange("203.0.113.0/+8") == nil)
    }
}
