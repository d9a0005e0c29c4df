export { singleJob } from './singleJob';
