"""Stay permits over the API: applications, issued permits, protected stays and overstays."""
