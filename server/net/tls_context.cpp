#include "net/tls_context.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>

namespace campus::net {

namespace ssl = boost::asio::ssl;

namespace {

template <class T, void (*Free)(T*)>
struct openssl_deleter {
  void operator()(T* p) const { Free(p); }
};
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO, BIO_free_all>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509, X509_free>>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY, EVP_PKEY_free>>;

std::string quoted(const std::string& path) { return "\"" + path + "\""; }

// The reason OpenSSL left for the last failure on this thread, and an empty queue after it.
std::string openssl_reason() {
  const unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(e);
  return reason ? reason : "OpenSSL error " + std::to_string(e);
}

std::string printable(const ASN1_TIME* t) {
  bio_ptr out(BIO_new(BIO_s_mem()));
  if (!out || ASN1_TIME_print(out.get(), t) != 1) return "?";
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// Never prompts: a key protected by a passphrase fails to load instead of waiting on a tty.
int no_passphrase(char*, int, int, void*) { return 0; }

}  // namespace

std::expected<std::shared_ptr<ssl::context>, std::string> make_tls_context(
    const config::http_tls_settings& tls, std::chrono::system_clock::time_point now) {
  using result = std::expected<std::shared_ptr<ssl::context>, std::string>;
  auto refuse = [](std::string why) -> result {
    ERR_clear_error();
    return std::unexpected("http.tls: " + std::move(why));
  };
  if (!tls.enabled() || tls.key_file.empty())
    return refuse("cert_file and key_file are both required");

  // Read both files first, so that a mismatch or an expired certificate is reported as such
  // rather than as whatever the context's loader happens to say.
  bio_ptr cert_in(BIO_new_file(tls.cert_file.c_str(), "r"));
  x509_ptr cert(cert_in ? PEM_read_bio_X509(cert_in.get(), nullptr, no_passphrase, nullptr)
                        : nullptr);
  if (!cert) return refuse("cannot load the certificate " + quoted(tls.cert_file) + ": " +
                           openssl_reason());
  bio_ptr key_in(BIO_new_file(tls.key_file.c_str(), "r"));
  pkey_ptr key(key_in ? PEM_read_bio_PrivateKey(key_in.get(), nullptr, no_passphrase, nullptr)
                      : nullptr);
  if (!key) return refuse("cannot load the private key " + quoted(tls.key_file) + ": " +
                          openssl_reason() + " (a key with a passphrase is not supported)");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return refuse("the private key " + quoted(tls.key_file) +
                  " does not match the certificate " + quoted(tls.cert_file) +
                  " (they are not a pair: check that both come from the same request)");
  }
  std::time_t at = std::chrono::system_clock::to_time_t(now);
  if (X509_cmp_time(X509_get0_notAfter(cert.get()), &at) <= 0) {
    return refuse("the certificate " + quoted(tls.cert_file) + " expired on " +
                  printable(X509_get0_notAfter(cert.get())));
  }
  if (X509_cmp_time(X509_get0_notBefore(cert.get()), &at) >= 0) {
    return refuse("the certificate " + quoted(tls.cert_file) + " is not valid before " +
                  printable(X509_get0_notBefore(cert.get())) + " (check the system clock)");
  }

  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                       ssl::context::single_dh_use,
                   ec);
  if (ec) return refuse("cannot set the TLS options: " + ec.message());
  // Belt and braces over the no_* options: OpenSSL refuses anything older than 1.2 outright.
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_default_passwd_cb(ctx->native_handle(), no_passphrase);
  ctx->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) {
    return refuse("cannot load the certificate chain " + quoted(tls.cert_file) + ": " +
                  ec.message());
  }
  ctx->use_private_key_file(tls.key_file, ssl::context::pem, ec);
  if (ec) return refuse("cannot load the private key " + quoted(tls.key_file) + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return refuse("the private key " + quoted(tls.key_file) +
                  " does not match the certificate " + quoted(tls.cert_file));
  }
  ERR_clear_error();
  return ctx;
}

}  // namespace campus::net
