# Debian packages (debian/, scripts/deb.sh, scripts/deb-check.sh). Both
# work outside the repository, in DEB_OUT.
#
#   make deb          build the .deb files with debhelper, out of tree,
#                     then lintian (errors fail, warnings are printed)
#   make deb-check    root: make deb, then install the packages into a
#                     fresh Debian 12 (debootstrap) and run ordod --check,
#                     ordoctl check /etc/ordo/ordo.conf, a one-daemon ring
#                     with Python and C clients and the other checks there
#                     (about 1 minute; make deb about 1). Uses hugepages: when other labs may
#                     run, `flock /tmp/ordo-lab.lock make deb-check`.
DEB_OUT ?= /var/tmp/ordo-deb

.PHONY: deb deb-check
deb: deps
	bash scripts/deb.sh $(DEB_OUT)
deb-check: deb
	bash scripts/deb-check.sh $(DEB_OUT)
