from setuptools import setup

from pylinkdep.setuptools import Extension

setup(
    ext_modules=[
        Extension(
            "consumer_setuptools._ext",
            ["src/_ext.c"],
            py_libraries=["exampleprov>=1.0"],
        )
    ]
)
