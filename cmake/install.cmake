# Installs both DLLs, their import libraries and header, and a CMake package so
# that other projects can find_package(SharedCounter).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

if(TARGET sharedcounter)
    install(TARGETS sharedcounter sharedcounter_hardened
            EXPORT SharedCounterTargets
            RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
            LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
            ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
            PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    install(EXPORT SharedCounterTargets
            NAMESPACE SharedCounter::
            DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SharedCounter)

    configure_package_config_file(
        ${PROJECT_SOURCE_DIR}/cmake/SharedCounterConfig.cmake.in
        ${PROJECT_BINARY_DIR}/SharedCounterConfig.cmake
        INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SharedCounter)
    write_basic_package_version_file(
        ${PROJECT_BINARY_DIR}/SharedCounterConfigVersion.cmake
        COMPATIBILITY SameMinorVersion)
    install(FILES ${PROJECT_BINARY_DIR}/SharedCounterConfig.cmake
                  ${PROJECT_BINARY_DIR}/SharedCounterConfigVersion.cmake
            DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/SharedCounter)
endif()
