#!/bin/sh
# vcs_blockmigrate.sh - AIX DLPAR script that blocks Live Partition Mobility of
# this management LPAR while VCS's LPAR agent manages partitions from it.
#
# The LPAR agent installs it at open (drmgr -i <this file> -f) and removes it at
# shutdown (drmgr -u vcs_blockmigrate.sh). If the agent died without removing
# it, unblock by hand with:   /usr/sbin/drmgr -u vcs_blockmigrate.sh
#
# DLPAR script protocol (AIX "Actions taken by DLPAR scripts"): the first
# argument is the command; NAME=value lines on stdout; exit 0 success,
# 1 failure (for a check: do not proceed), 10 command not implemented.
case "$1" in
scriptinfo)
	echo "DR_VERSION=1"
	echo "DR_DATE=01012026"
	echo "DR_SCRIPTINFO=VCS LPAR agent: blocks migration of the management LPAR"
	echo "DR_VENDOR=vcs-powervm"
	echo "DR_TIMEOUT=10"
	;;
register)
	echo "DR_RESOURCE=pmig"
	;;
usage)
	echo "DR_USAGE=Cluster Server manages LPARs from this partition; live migration of a management LPAR is not supported"
	;;
checkmigrate)
	echo "DR_ERROR=Cluster Server's LPAR agent manages LPARs from this management LPAR: migrate or fail over the managed LPARs, stop the LPAR agent (it removes this script), then migrate"
	exit 1
	;;
premigrate | postmigrate | undopremigrate)
	;;
*)
	exit 10
	;;
esac
exit 0
