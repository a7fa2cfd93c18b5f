# The Debian package (CPack DEB): `tools/package.sh` builds and runs cpack.
# Installs the binary, the systemd unit, the default config (a conffile),
# the man page and the maintainer scripts of packaging/debian/ (the user,
# /var/lib/provisiond, start or restart; remove keeps data, purge deletes).
# Only provisiond is installed: tests and benchmarks stay out.

set(pkg ${PROJECT_SOURCE_DIR}/packaging)
# cpack (and `ninja install`) need only what is installed, not every test
# binary of the build directory: tools/package.sh builds those two targets.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
install(TARGETS provisiond RUNTIME DESTINATION bin)
# /usr/lib/systemd/system: where systemd looks on merged-/usr Debian 12 and later.
install(FILES ${pkg}/provisiond.service DESTINATION lib/systemd/system)
install(FILES ${pkg}/provisiond.toml DESTINATION /etc/provisiond)
install(FILES ${pkg}/bind-privileged-port.conf DESTINATION share/doc/provisiond/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/doc/configuration.md
        DESTINATION share/doc/provisiond)

# Debian policy: man pages gzip -9n (no name, no time stamp: reproducible).
set(man_gz ${CMAKE_BINARY_DIR}/gen/provisiond.8.gz)
add_custom_command(OUTPUT ${man_gz}
  COMMAND sh -c "gzip -9n -c '${pkg}/provisiond.8' > '${man_gz}'"
  DEPENDS ${pkg}/provisiond.8 VERBATIM)
add_custom_target(provisiond_man ALL DEPENDS ${man_gz})
install(FILES ${man_gz} DESTINATION share/man/man8)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME provisiond)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "provisiond maintainers <provisiond@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "provisioning web service for Windows deployments with Tanium Provision")
set(CPACK_PACKAGE_DESCRIPTION "MDT-style customization (computer name, deployment type, locale, applications,
drivers, Bundle ID, live deployment tracking) for Tanium Provision, served
from CSV tables, with an admin web UI. Runs as the systemd service
provisiond.service; configuration in /etc/provisiond/provisiond.toml.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # a RelWithDebInfo build packages small too
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # provisiond_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # libc6, libssl3, libre2-9, ... from the binary
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${pkg}/debian/conffiles ${pkg}/debian/postinst ${pkg}/debian/prerm ${pkg}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
