// Boost.Asio and Boost.Beast are compiled once, here, instead of in every translation unit
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION are set project-wide).
#include <boost/asio/impl/src.hpp>
// Asio's OpenSSL glue (HTTPS/WSS in net/), compiled here for the same reason.
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
