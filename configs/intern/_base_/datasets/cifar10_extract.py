# The CIFAR-10 JPEG extract of the shared data ($INTERN_DATA_ROOT, default
# ../shared/data, relative to the working directory): 200 images per class
# in <class>/NNNN.jpg. The INTERN stages may train only on files 0-99 of
# each class: files 100-199 are the GV-B mini suite's
# (mmintern.gvb.mini_suite), which no stage may see.
cifar10_root = '{{$INTERN_DATA_ROOT:../shared/data}}/cifar10/test'
cifar10_upstream_files = (0, 100)  # mmintern.gvb.mini_suite.UPSTREAM_FILES
cifar10_classes = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                   'frog', 'horse', 'ship', 'truck')
