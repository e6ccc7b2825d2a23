import sys

print(f"{sys.argv[1]} from a namespace file deployed by Pulumi")
