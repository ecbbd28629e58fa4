#pragma once
// Certificates for the signing tests, made with the openssl command line: a CA and a leaf it
// signed (key encrypted with a passphrase file), a self-signed one nobody trusts, and an NSS
// database trusting the CA for poppler's pdfsig.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace testsupport {

// A CA, a leaf certificate it issued (RSA, key encrypted with a passphrase file), and a
// self-signed EC certificate.
struct Pki {
    explicit Pki(const TempDir& t) : dir(t / "pki") {
        std::filesystem::create_directories(dir);
        write_file(
            dir + "/leaf.ext",
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n");
        write_file(dir + "/pass.txt", "correct horse\n");
        const std::string d = "cd " + dir + " && ";
        for (const std::string& cmd :
             {d + "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
                  "-days 30 -subj '/CN=Test Audit CA/O=curcrunch tests' "
                  "-addext 'basicConstraints=critical,CA:TRUE' "
                  "-addext 'keyUsage=critical,keyCertSign,cRLSign'",
              d + "openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr "
                  "-subj '/CN=Finance Reports/O=Example Corp'",
              d + "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                  "-out leaf.pem -days 30 -extfile leaf.ext",
              d + "openssl pkcs8 -topk8 -in leaf.key -out leaf-enc.key -passout "
                  "file:pass.txt -v2 aes-256-cbc",
              d + "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                  "-keyout mallory.key -out mallory.pem -days 30 -subj '/CN=Mallory'",
              // poppler's pdfsig trusts what an NSS database trusts: one that trusts the CA.
              "mkdir -p " + dir + "/nss && certutil -N -d sql:" + dir + "/nss --empty-password",
              "certutil -A -d sql:" + dir + "/nss -n test-ca -t CT,C,C -i " + dir + "/ca.pem"}) {
            auto r = sh(cmd);
            EXPECT_EQ(r.code, 0) << cmd << "\n" << r.out;
        }
    }
    std::vector<std::string> leaf() const {
        return {"--sign-cert",         dir + "/leaf.pem",      "--sign-key",
                dir + "/leaf-enc.key", "--sign-key-pass-file", dir + "/pass.txt"};
    }
    std::vector<std::string> mallory() const {
        return {"--sign-cert", dir + "/mallory.pem", "--sign-key", dir + "/mallory.key"};
    }
    std::string ca() const { return dir + "/ca.pem"; }
    std::string pdfsig(const std::string& pdf, const std::string& extra = "") const {
        return sh("pdfsig -nssdir sql:" + dir + "/nss " + extra + " " + pdf).out;
    }
    std::string dir;
};

}  // namespace testsupport
