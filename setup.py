"""mmintern: INTERN (general vision) as an OpenMMLab 2.0 plugin."""
import os.path as osp

from setuptools import find_packages, setup


def read_version():
    namespace = {}
    with open(osp.join('mmintern', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


def read_requirements(name):
    path = osp.join('requirements', name)
    with open(path) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


setup(
    name='mmintern',
    version=read_version(),
    description='INTERN general vision system: MetaNet backbones, staged '
    'pretraining and the GV-B benchmark for OpenMMLab 2.0',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    license='Apache License 2.0',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'projects')),
    package_data={
        'mmintern':
        ['gvb/evaluation/*.json', 'datasets/label_system/*.json.gz',
         'datasets/label_system/WORDNET_LICENSE']
    },
    python_requires='>=3.9',
    # Ranges; the tested pins are in requirements/runtime.txt.
    install_requires=read_requirements('mminstall.txt'),
    extras_require=dict(
        tests=read_requirements('tests.txt'),
        optional=read_requirements('optional.txt')),
    zip_safe=False)
